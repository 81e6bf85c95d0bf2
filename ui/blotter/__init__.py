"""The blotter dock: working orders, today's completed orders and executions (issue 15)."""

"""The account dock: key account values per currency with BASE totals."""

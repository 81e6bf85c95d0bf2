"""The order ticket dock: one form that turns a trader's intent into orders through the order
service (`terminal_app.orders`), with a bracket, trailing, algo and OCA staging sections."""

"""Names of the subscription kinds a connection keeps (`Connection.subscribe`, `count`,
`drop_streams`): the handlers open streams under them and fault injection ends them."""

MKT_DATA = "mktData"
DEPTH = "depth"
TICK_BY_TICK = "tickByTick"
REALTIME_BARS = "realTimeBars"
HISTORY = "history"
SCANNER = "scanner"
NEWS = "news"

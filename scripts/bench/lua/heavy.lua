-- Near the default cost limit (about 176,000): 100 entities, 80 relations
-- of each, 20 periods of each. For the memory measurement of allocators.
-- Usage: wrk ... -s heavy.lua URL
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local c = dofile(dir .. "common.lua")

local QUERY = "query($d: Date) { entities(first: 100) { edges { node { slug "
  .. "relations(first: 80, asOf: $d) { edges { node { label history(first: 20) { status } } } } } } } }"

c.install(function()
  return c.body(QUERY, { { "d", c.date(c.ymd()) } })
end, '"entities":{')

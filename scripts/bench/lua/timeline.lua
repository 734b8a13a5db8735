-- Dashboard query 3: the first page (20 entries) of the merged timeline of two
-- major actors over one year.
-- Usage: wrk ... -s timeline.lua URL -- RELATIONS
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local c = dofile(dir .. "common.lua")

local QUERY = "query($a: String!, $b: String!, $from: Date, $to: Date) { "
  .. "timeline(entities: [$a, $b], from: $from, to: $to, first: 20) { kind title date { edtf } } }"

c.install(function()
  local a, b = c.two_actors()
  local y, m, d = c.ymd()
  return c.body(QUERY, { { "a", a }, { "b", b }, { "from", c.date(y, m, d) }, { "to", c.date(y + 1, m, d) } })
end, '"timeline":[')

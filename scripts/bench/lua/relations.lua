-- Dashboard query 1: an entity's relations as of a date, with both ends and
-- the status on that date. Usage: wrk ... -s relations.lua URL -- RELATIONS
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local c = dofile(dir .. "common.lua")

local QUERY = "query($e: String!, $d: Date) { relations(entity: $e, asOf: $d, first: 20) { "
  .. "edges { node { key: id label type source { slug name } target { slug name } status(asOf: $d) } } "
  .. "pageInfo { hasNextPage endCursor } } }"

c.install(function()
  return c.body(QUERY, { { "e", c.actor() }, { "d", c.date(c.ymd()) } })
end, '"edges":[')

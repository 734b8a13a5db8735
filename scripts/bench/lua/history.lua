-- Dashboard query 2: one relation's full status history with citations,
-- fetched by its Relay global id. Usage: wrk ... -s history.lua URL -- RELATIONS
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local c = dofile(dir .. "common.lua")

local QUERY = "query($id: ID!) { node(id: $id) { ... on Relation { label source { slug } target { slug } "
  .. "history { status from { edtf } to { edtf } citations { quote article { title } } } } } }"

c.install(function()
  return c.body(QUERY, { { "id", c.b64url("Relation:" .. c.relation_key()) } })
end, '"history":[')

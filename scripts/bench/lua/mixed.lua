-- The soak's read mix: an entity's relations as of a day, a relation's
-- history with sources, two actors' timeline over a year, a name search and
-- an entity card, drawn at random in the proportions below.
-- Usage: wrk ... -s mixed.lua URL -- RELATIONS
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local c = dofile(dir .. "common.lua")

local RELATIONS = "query($e: String!, $d: Date) { relations(entity: $e, asOf: $d, first: 20) { "
  .. "edges { node { id label type source { slug name } target { slug name } status(asOf: $d) } } } }"
local HISTORY = "query($id: ID!) { node(id: $id) { ... on Relation { label history { status from { edtf } "
  .. "to { edtf } citations { quote article { title } } } } } }"
local TIMELINE = "query($a: String!, $b: String!, $from: Date, $to: Date) { "
  .. "timeline(entities: [$a, $b], from: $from, to: $to) { kind title date { edtf } } }"
local SEARCH = "query($t: String!) { search(text: $t) { slug name kind } }"
local CARD = "query($e: String!) { entity(slug: $e) { name kind aliases externalIds { value } } }"

c.install(function()
  local pick = math.random(1, 10)
  if pick <= 4 then
    return c.body(RELATIONS, { { "e", c.actor() }, { "d", c.date(c.ymd()) } })
  elseif pick <= 6 then
    return c.body(HISTORY, { { "id", c.b64url("Relation:" .. c.relation_key()) } })
  elseif pick <= 8 then
    local a, b = c.two_actors()
    local y, m, d = c.ymd()
    return c.body(TIMELINE, { { "a", a }, { "b", b }, { "from", c.date(y, m, d) }, { "to", c.date(y + 1, m, d) } })
  elseif pick == 9 then
    return c.body(SEARCH, { { "t", "synthland " .. math.random(0, 99) } })
  end
  return c.body(CARD, { { "e", c.actor() } })
end, '"data":{')

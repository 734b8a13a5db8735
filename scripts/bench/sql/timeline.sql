-- Dashboard query 3 as the server runs it: one pgbench transaction = one
-- GraphQL request `timeline(entities: [a, b], from:, to:, first: 20)` over one year.
--   :a, :b  two different major actors; :lo .. :hi a one-year window of day
--   numbers starting in 1960-01-01 .. 2020-12-31; :narrow and :broad are
--   how far back a start of those width classes can begin (lo - 31,
--   lo - 3660: migration::START_CLASSES)
\set a random(0, 99)
\set b (:a + random(1, 99)) % 100
\set lo random(-3653, 18627)
\set hi :lo + 365
\set narrow :lo - 31
\set broad :lo - 3660
-- 1. both slugs name entities (one EntityBySlug lookup for the list)
SELECT id, slug, kind, category, name, search_name, description, recorded_at, superseded_at
  FROM entity WHERE slug IN ('synth-e' || :a, 'synth-e' || :b) AND superseded_at IS NULL;
-- 2. status changes whose start overlaps the window, found through the ends
--    copied onto status_period: one branch per actor, end and class of start
--    width (the partial indexes ix_period_{source,target}_{narrow,broad,wide}),
--    each read in date order, looking back only as far as a start of its
--    class can reach, and cut at the page size (first: 20); the union is cut
--    again before the 20 relations' labels are joined
SELECT b.relation_key, r.label, b.period_id, b.status, b.from_edtf, b.from_earliest FROM (SELECT * FROM (
SELECT * FROM (SELECT p.relation_key, p.id AS period_id, p.status, p.from_edtf, p.from_earliest FROM status_period p
 WHERE p.source = 'synth-e' || :a AND p.superseded_at IS NULL AND p.from_edtf IS NOT NULL
   AND p.from_latest >= :lo AND p.from_earliest <= :hi AND p.from_latest - p.from_earliest <= 31 AND p.from_earliest >= :narrow
 ORDER BY p.from_earliest, p.relation_key, p.id LIMIT 20) b
UNION
SELECT * FROM (SELECT p.relation_key, p.id AS period_id, p.status, p.from_edtf, p.from_earliest FROM status_period p
 WHERE p.source = 'synth-e' || :a AND p.superseded_at IS NULL AND p.from_edtf IS NOT NULL
   AND p.from_latest >= :lo AND p.from_earliest <= :hi AND p.from_latest - p.from_earliest > 31 AND p.from_latest - p.from_earliest <= 3660 AND p.from_earliest >= :broad
 ORDER BY p.from_earliest, p.relation_key, p.id LIMIT 20) b
UNION
SELECT * FROM (SELECT p.relation_key, p.id AS period_id, p.status, p.from_edtf, p.from_earliest FROM status_period p
 WHERE p.source = 'synth-e' || :a AND p.superseded_at IS NULL AND p.from_edtf IS NOT NULL
   AND p.from_latest >= :lo AND p.from_earliest <= :hi AND p.from_latest - p.from_earliest > 3660
 ORDER BY p.from_earliest, p.relation_key, p.id LIMIT 20) b
UNION
SELECT * FROM (SELECT p.relation_key, p.id AS period_id, p.status, p.from_edtf, p.from_earliest FROM status_period p
 WHERE p.target = 'synth-e' || :a AND p.superseded_at IS NULL AND p.from_edtf IS NOT NULL
   AND p.from_latest >= :lo AND p.from_earliest <= :hi AND p.from_latest - p.from_earliest <= 31 AND p.from_earliest >= :narrow
 ORDER BY p.from_earliest, p.relation_key, p.id LIMIT 20) b
UNION
SELECT * FROM (SELECT p.relation_key, p.id AS period_id, p.status, p.from_edtf, p.from_earliest FROM status_period p
 WHERE p.target = 'synth-e' || :a AND p.superseded_at IS NULL AND p.from_edtf IS NOT NULL
   AND p.from_latest >= :lo AND p.from_earliest <= :hi AND p.from_latest - p.from_earliest > 31 AND p.from_latest - p.from_earliest <= 3660 AND p.from_earliest >= :broad
 ORDER BY p.from_earliest, p.relation_key, p.id LIMIT 20) b
UNION
SELECT * FROM (SELECT p.relation_key, p.id AS period_id, p.status, p.from_edtf, p.from_earliest FROM status_period p
 WHERE p.target = 'synth-e' || :a AND p.superseded_at IS NULL AND p.from_edtf IS NOT NULL
   AND p.from_latest >= :lo AND p.from_earliest <= :hi AND p.from_latest - p.from_earliest > 3660
 ORDER BY p.from_earliest, p.relation_key, p.id LIMIT 20) b
UNION
SELECT * FROM (SELECT p.relation_key, p.id AS period_id, p.status, p.from_edtf, p.from_earliest FROM status_period p
 WHERE p.source = 'synth-e' || :b AND p.superseded_at IS NULL AND p.from_edtf IS NOT NULL
   AND p.from_latest >= :lo AND p.from_earliest <= :hi AND p.from_latest - p.from_earliest <= 31 AND p.from_earliest >= :narrow
 ORDER BY p.from_earliest, p.relation_key, p.id LIMIT 20) b
UNION
SELECT * FROM (SELECT p.relation_key, p.id AS period_id, p.status, p.from_edtf, p.from_earliest FROM status_period p
 WHERE p.source = 'synth-e' || :b AND p.superseded_at IS NULL AND p.from_edtf IS NOT NULL
   AND p.from_latest >= :lo AND p.from_earliest <= :hi AND p.from_latest - p.from_earliest > 31 AND p.from_latest - p.from_earliest <= 3660 AND p.from_earliest >= :broad
 ORDER BY p.from_earliest, p.relation_key, p.id LIMIT 20) b
UNION
SELECT * FROM (SELECT p.relation_key, p.id AS period_id, p.status, p.from_edtf, p.from_earliest FROM status_period p
 WHERE p.source = 'synth-e' || :b AND p.superseded_at IS NULL AND p.from_edtf IS NOT NULL
   AND p.from_latest >= :lo AND p.from_earliest <= :hi AND p.from_latest - p.from_earliest > 3660
 ORDER BY p.from_earliest, p.relation_key, p.id LIMIT 20) b
UNION
SELECT * FROM (SELECT p.relation_key, p.id AS period_id, p.status, p.from_edtf, p.from_earliest FROM status_period p
 WHERE p.target = 'synth-e' || :b AND p.superseded_at IS NULL AND p.from_edtf IS NOT NULL
   AND p.from_latest >= :lo AND p.from_earliest <= :hi AND p.from_latest - p.from_earliest <= 31 AND p.from_earliest >= :narrow
 ORDER BY p.from_earliest, p.relation_key, p.id LIMIT 20) b
UNION
SELECT * FROM (SELECT p.relation_key, p.id AS period_id, p.status, p.from_edtf, p.from_earliest FROM status_period p
 WHERE p.target = 'synth-e' || :b AND p.superseded_at IS NULL AND p.from_edtf IS NOT NULL
   AND p.from_latest >= :lo AND p.from_earliest <= :hi AND p.from_latest - p.from_earliest > 31 AND p.from_latest - p.from_earliest <= 3660 AND p.from_earliest >= :broad
 ORDER BY p.from_earliest, p.relation_key, p.id LIMIT 20) b
UNION
SELECT * FROM (SELECT p.relation_key, p.id AS period_id, p.status, p.from_edtf, p.from_earliest FROM status_period p
 WHERE p.target = 'synth-e' || :b AND p.superseded_at IS NULL AND p.from_edtf IS NOT NULL
   AND p.from_latest >= :lo AND p.from_earliest <= :hi AND p.from_latest - p.from_earliest > 3660
 ORDER BY p.from_earliest, p.relation_key, p.id LIMIT 20) b
) u ORDER BY u.from_earliest, u.relation_key, u.period_id LIMIT 20) b
  JOIN relation r ON r.key = b.relation_key AND r.superseded_at IS NULL
 ORDER BY b.from_earliest, b.relation_key, b.period_id;
-- 3. their events in the window: all matches first (MATERIALIZED), then the page
WITH hit AS MATERIALIZED (SELECT e.id, e.key, e.type, e.cameo_code, e.title, e.summary, e.date_edtf, e.date_earliest, e.date_latest, e.location, e.recorded_at, e.superseded_at
  FROM event e
 WHERE EXISTS (SELECT 1 FROM participant pa WHERE pa.event_id = e.id AND pa.entity_slug IN ('synth-e' || :a, 'synth-e' || :b))
   AND e.superseded_at IS NULL AND e.date_earliest <= :hi AND e.date_latest >= :lo)
SELECT * FROM hit ORDER BY date_earliest, key LIMIT 20;
-- 4. their statements in the window, the same way
WITH hit AS MATERIALIZED (SELECT s.id, s.key, s.speaker, s.date_edtf, s.date_earliest, s.date_latest, s.quote, s.summary, s.recorded_at, s.superseded_at
  FROM statement s
 WHERE s.speaker IN ('synth-e' || :a, 'synth-e' || :b) AND s.superseded_at IS NULL
   AND s.date_earliest <= :hi AND s.date_latest >= :lo)
SELECT * FROM hit ORDER BY date_earliest, key LIMIT 20;

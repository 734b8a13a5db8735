-- Dashboard query 3 as the server runs it: one pgbench transaction = one
-- GraphQL request `timeline(entities: [a, b], from:, to:)` over one year.
--   :a, :b  two different major actors; :lo .. :hi a one-year window of day
--   numbers starting in 1960-01-01 .. 2020-12-31
\set a random(0, 99)
\set b (:a + random(1, 99)) % 100
\set lo random(-3653, 18627)
\set hi :lo + 365
-- 1, 2. both slugs name entities (known_slug awaits them one at a time)
SELECT id, slug, kind, category, name, search_name, description, recorded_at, superseded_at
  FROM entity WHERE slug IN ('synth-e' || :a) AND superseded_at IS NULL;
SELECT id, slug, kind, category, name, search_name, description, recorded_at, superseded_at
  FROM entity WHERE slug IN ('synth-e' || :b) AND superseded_at IS NULL;
-- 3. status changes of their relations: the server's SQL has only the upper
--    bound; it drops the rows that end before `from` in Rust, so it reads
--    (and pgbench reads) every earlier period too
SELECT r.key AS relation_key, r.label, p.id AS period_id, p.status, p.from_edtf, p.from_earliest
  FROM relation r JOIN status_period p ON p.relation_key = r.key
 WHERE (r.source IN ('synth-e' || :a, 'synth-e' || :b) OR r.target IN ('synth-e' || :a, 'synth-e' || :b))
   AND r.superseded_at IS NULL AND p.superseded_at IS NULL
   AND p.from_edtf IS NOT NULL AND p.from_earliest <= :hi;
-- 4. their events in the window
SELECT e.id, e.key, e.type, e.cameo_code, e.title, e.summary, e.date_edtf, e.date_earliest, e.date_latest, e.location, e.recorded_at, e.superseded_at
  FROM event e
 WHERE EXISTS (SELECT 1 FROM participant pa WHERE pa.event_id = e.id AND pa.entity_slug IN ('synth-e' || :a, 'synth-e' || :b))
   AND e.superseded_at IS NULL AND e.date_earliest <= :hi AND e.date_latest >= :lo;
-- 5. their statements in the window
SELECT s.id, s.key, s.speaker, s.date_edtf, s.date_earliest, s.date_latest, s.quote, s.summary, s.recorded_at, s.superseded_at
  FROM statement s
 WHERE s.speaker IN ('synth-e' || :a, 'synth-e' || :b) AND s.superseded_at IS NULL
   AND s.date_earliest <= :hi AND s.date_latest >= :lo;

-- Dashboard query 1 as the server runs it: one pgbench transaction = one
-- GraphQL request `relations(entity:, asOf:, first: 20)` with both ends and
-- status(asOf:). Run with -M prepared: every :var becomes a bound parameter,
-- as in the server (sqlx prepares and caches every statement).
--   :e  a major actor synth-e0..synth-e99
--   :d  a day number (days since 1970-01-01) in 1960-01-01 .. 2020-12-31
\set e random(0, 99)
\set d random(-3653, 18627)
\set lim 21
-- 1. the `entity` argument names an entity (EntityBySlug loader)
SELECT id, slug, kind, category, name, search_name, description, recorded_at, superseded_at
  FROM entity WHERE slug IN ('synth-e' || :e) AND superseded_at IS NULL;
-- 2. the page: two ordered index scans (source, target) merged, each with the
--    valid-time EXISTS test, LIMIT first + 1; the keys and ends of the first
--    20 are kept for statements 3 and 4 (the server keeps the whole rows in
--    memory; here they are aggregated so that pgbench can pass them on)
SELECT coalesce((array_agg(key ORDER BY key))[1:20], '{}') AS keys,
       coalesce((array_agg(source ORDER BY key))[1:20] || (array_agg(target ORDER BY key))[1:20], '{}') AS ends,
       count(*) AS n,
       max(length(label) + length(type) + coalesce(length(body), 0)) AS width
  FROM (
    SELECT * FROM (
      SELECT r.id, r.key, r.type, r.label, r.source, r.target, r.symmetric, r.body, r.recorded_at, r.superseded_at
        FROM relation r
       WHERE r.source = 'synth-e' || :e AND r.superseded_at IS NULL
         AND EXISTS (SELECT 1 FROM status_period p WHERE p.relation_key = r.key AND p.superseded_at IS NULL
                        AND p.from_earliest <= :d AND p.to_latest >= :d)
       ORDER BY r.key LIMIT :lim) a
    UNION ALL
    SELECT * FROM (
      SELECT r.id, r.key, r.type, r.label, r.source, r.target, r.symmetric, r.body, r.recorded_at, r.superseded_at
        FROM relation r
       WHERE r.target = 'synth-e' || :e AND r.source <> 'synth-e' || :e AND r.superseded_at IS NULL
         AND EXISTS (SELECT 1 FROM status_period p WHERE p.relation_key = r.key AND p.superseded_at IS NULL
                        AND p.from_earliest <= :d AND p.to_latest >= :d)
       ORDER BY r.key LIMIT :lim) b
    ORDER BY key LIMIT :lim) page
\gset
-- 3. both ends of the 20 relations (one batched EntityBySlug load)
SELECT id, slug, kind, category, name, search_name, description, recorded_at, superseded_at
  FROM entity WHERE slug = ANY (:ends::text[]) AND superseded_at IS NULL;
-- 4. their status periods, for status(asOf:) (one batched PeriodsOf load)
SELECT p.id, p.relation_key, p.source, p.target, p.status, p.from_edtf, p.from_earliest, p.from_latest, p.to_edtf, p.to_latest, p.note, p.recorded_at, p.superseded_at
  FROM status_period p
 WHERE p.relation_key = ANY (:keys::text[]) AND p.superseded_at IS NULL
 ORDER BY p.relation_key, p.from_earliest, p.id;

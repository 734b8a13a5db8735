-- Dashboard query 2 as the server runs it: one pgbench transaction = one
-- GraphQL request `node(id:) { ... on Relation { label source target
-- history { status from to citations { quote article { title } } } } }`.
--   :k  a relation number 0 .. nrel-1 (pass -D nrel=M)
\set k random(0, :nrel - 1)
-- 1. the relation (RelationByKey loader)
SELECT r.id, r.key, r.type, r.label, r.source, r.target, r.symmetric, r.body, r.recorded_at, r.superseded_at
  FROM relation r WHERE r.key IN ('synth-r' || :k) AND r.superseded_at IS NULL
\gset r_
-- 2. its two ends (EntityBySlug)
SELECT id, slug, kind, category, name, search_name, description, recorded_at, superseded_at
  FROM entity WHERE slug IN (:r_source, :r_target) AND superseded_at IS NULL;
-- 3. its status periods (PeriodsOf)
SELECT p.id, p.relation_key, p.source, p.target, p.status, p.from_edtf, p.from_earliest, p.from_latest, p.to_edtf, p.to_latest, p.note, p.recorded_at, p.superseded_at
  FROM status_period p
 WHERE p.relation_key IN (:r_key) AND p.superseded_at IS NULL
 ORDER BY p.relation_key, p.from_earliest, p.id;
-- 4. the periods' citations (CitationsOf, kind 'period'); the server binds
--    the period ids it read in 3, here they are read again (1-4 index rows)
SELECT c.id, c.subject_kind, c.subject_key, c.article_key, c.quote, c.recorded_at, c.superseded_at
  FROM citation c
 WHERE c.subject_kind = 'period'
   AND c.subject_key IN (SELECT p.id::text FROM status_period p WHERE p.relation_key = :r_key AND p.superseded_at IS NULL)
   AND c.superseded_at IS NULL
 ORDER BY c.id;
-- 5. the cited article (ArticleByKey); every synthetic citation cites this one
SELECT id, key, title, publisher, url, published_at, recorded_at, superseded_at
  FROM article WHERE key IN ('synth-article') AND superseded_at IS NULL;

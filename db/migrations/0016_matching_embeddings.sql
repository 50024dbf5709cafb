-- Matching embeddings: one L2-normalised vector per member and facet (engine/matching/embedder.ts), from the
-- registry model named in `model`. `text_sha256` is the sha256 of model + facet text, so an unchanged profile is not
-- re-embedded. The in-process hnswlib index (engine/matching/vector-index.ts) mirrors this table and checks itself
-- against it at start-up.
CREATE TABLE member_embeddings (
  member_id    uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  facet        text NOT NULL CHECK (facet IN ('offers', 'seeks', 'experience')),
  model        text NOT NULL,
  embedding    vector(384) NOT NULL,
  text_sha256  text NOT NULL CHECK (text_sha256 ~ '^[0-9a-f]{64}$'),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (member_id, facet)
);

-- pgvector HNSW (cosine), one partial index per facet: a search always stays inside one facet, and a partial index
-- keeps the graph free of the other facets' vectors (no post-filtering that would starve a top-k).
CREATE INDEX member_embeddings_offers_hnsw ON member_embeddings USING hnsw (embedding vector_cosine_ops) WHERE facet = 'offers';
CREATE INDEX member_embeddings_seeks_hnsw ON member_embeddings USING hnsw (embedding vector_cosine_ops) WHERE facet = 'seeks';
CREATE INDEX member_embeddings_experience_hnsw ON member_embeddings USING hnsw (embedding vector_cosine_ops) WHERE facet = 'experience';

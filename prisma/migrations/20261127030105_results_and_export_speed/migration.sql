-- DropIndex
DROP INDEX "Vote_campaignId_createdAt_seq_idx";

-- CreateIndex
CREATE INDEX "Vote_results_idx" ON "Vote"("campaignId", "createdAt", "seq", "modelAId", "modelBId", "winner", "identityLeak", "annotatorId");

-- The conversation of an app vote for exports: the user turns and one model's answers, for the
-- turns shown. A function rather than a subquery so that PostgreSQL's parallel workers may call it.
CREATE FUNCTION hikaku_conversation(prompt_turns jsonb, answer_turns jsonb, turn_count integer) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT json_agg(json_build_object('role', m.role, 'content', m.content) ORDER BY t, m.o)
  FROM generate_series(0, coalesce(turn_count, 1) - 1) AS t,
  LATERAL (VALUES (0, 'user', prompt_turns->>t), (1, 'assistant', answer_turns->>t)) AS m(o, role, content)
$$;

-- The pool lock and a batch's reads in one round trip (docs/decisions/0005-pool-lock-in-one-round-trip.md).
-- Written by hand: Prisma's schema knows no functions, so no diff creates or drops it.
--
-- Why the reads are safe: a VOLATILE function takes a new snapshot for each statement it runs
-- (PostgreSQL, "Function Volatility Categories"). The UPDATE may wait for another transaction's
-- row lock, and the SELECTs after it are new statements whose snapshot is taken once the lock is ours,
-- so they see everything committed by every pool transaction before this one.
CREATE FUNCTION "sls_lock_pool"(wanted jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  locked jsonb;
  locked_at double precision;
  participants jsonb;
  applied jsonb;
BEGIN
  UPDATE "Server" SET "lockVersion" = "lockVersion" + 1 WHERE "id" = 1 RETURNING to_jsonb("Server".*) INTO locked;
  IF locked IS NULL THEN
    RETURN NULL;
  END IF;
  -- When the lock was granted (ms since the epoch), for the time it is held (sls_pool_lock_seconds_total).
  locked_at := extract(epoch FROM clock_timestamp()) * 1000;
  -- "= ANY(ARRAY(...))" keeps both unique indexes usable: "IN (SELECT ...) OR IN (SELECT ...)"
  -- is planned as a sequential scan of every participant.
  SELECT jsonb_agg(to_jsonb(p)) INTO participants FROM "Participant" p
   WHERE p."id" = ANY(ARRAY(SELECT jsonb_array_elements_text(wanted->'ids')))
      OR p."serial" = ANY(ARRAY(SELECT jsonb_array_elements_text(wanted->'serials')));
  SELECT jsonb_agg(jsonb_build_object('participantId', a."participantId", 'requestId', a."requestId", 'answer', a."answer"))
    INTO applied
    FROM "AppliedRequest" a
    JOIN jsonb_to_recordset(wanted->'applied') AS w("participantId" text, "requestId" text)
      ON a."participantId" = w."participantId" AND a."requestId" = w."requestId";
  RETURN jsonb_build_object(
    'server', locked,
    'lockedAt', locked_at,
    'participants', COALESCE(participants, '[]'::jsonb),
    'applied', COALESCE(applied, '[]'::jsonb));
END
$$;

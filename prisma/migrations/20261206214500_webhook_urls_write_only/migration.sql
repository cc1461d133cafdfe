-- Webhook URLs are write-only (a hook's path is often its key): the audit history and the stored
-- delivery errors keep only a URL's origin (scheme, host, port), as the server writes them now.
-- Data only; SQLite has no regular expressions, so the origin is cut with instr/substr.
UPDATE "AuditEvent"
SET "detail" = json_set(
  json_remove("detail", '$.webhook.url'),
  '$.webhook.origin',
  (
    SELECT scheme || CASE WHEN instr(authority, '@') > 0 THEN substr(authority, instr(authority, '@') + 1) ELSE authority END
    FROM (
      SELECT scheme, substr(rest, 1, min(
        CASE WHEN instr(rest, '/') > 0 THEN instr(rest, '/') ELSE length(rest) + 1 END,
        CASE WHEN instr(rest, '?') > 0 THEN instr(rest, '?') ELSE length(rest) + 1 END,
        CASE WHEN instr(rest, '#') > 0 THEN instr(rest, '#') ELSE length(rest) + 1 END
      ) - 1) AS authority
      FROM (
        SELECT lower(substr(url, 1, instr(url, '://') + 2)) AS scheme, substr(url, instr(url, '://') + 3) AS rest
        FROM (SELECT json_extract("AuditEvent"."detail", '$.webhook.url') AS url)
      )
    )
  )
)
WHERE "type" = 'admin.alerts' AND json_valid("detail") AND json_type("detail", '$.webhook.url') = 'text';

-- "webhook <url> unreachable: …" / "webhook <url> answered HTTP …" → "webhook <origin> …".
UPDATE "AlertDelivery"
SET "lastError" = (
  SELECT 'webhook ' || scheme || CASE WHEN instr(authority, '@') > 0 THEN substr(authority, instr(authority, '@') + 1) ELSE authority END || tail
  FROM (
    SELECT scheme, tail, substr(rest, 1, min(
      CASE WHEN instr(rest, '/') > 0 THEN instr(rest, '/') ELSE length(rest) + 1 END,
      CASE WHEN instr(rest, '?') > 0 THEN instr(rest, '?') ELSE length(rest) + 1 END,
      CASE WHEN instr(rest, '#') > 0 THEN instr(rest, '#') ELSE length(rest) + 1 END
    ) - 1) AS authority
    FROM (
      SELECT lower(substr(url, 1, instr(url, '://') + 2)) AS scheme, substr(url, instr(url, '://') + 3) AS rest,
             substr("AlertDelivery"."lastError", 9 + length(url)) AS tail
      FROM (SELECT substr("AlertDelivery"."lastError", 9, instr(substr("AlertDelivery"."lastError", 9), ' ') - 1) AS url)
    )
  )
)
WHERE "channel" = 'webhook' AND "lastError" LIKE 'webhook http%' AND instr(substr("lastError", 9), ' ') > 0;

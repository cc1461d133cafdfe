-- Webhook URLs are write-only (a hook's path is often its key): the audit history and the stored
-- delivery errors keep only a URL's origin (scheme, host, port), as the server writes them now.
-- Data only.
UPDATE "AuditEvent"
SET "detail" = jsonb_set(
  ("detail"::jsonb) #- '{webhook,url}',
  '{webhook,origin}',
  to_jsonb(
    lower(substring(("detail"::jsonb) #>> '{webhook,url}' from '^([A-Za-z][A-Za-z0-9+.-]*://)'))
    || substring(("detail"::jsonb) #>> '{webhook,url}' from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]*)')
  )
)::text
WHERE "type" = 'admin.alerts' AND "detail" LIKE '%"url"%'
  AND jsonb_typeof(("detail"::jsonb) #> '{webhook,url}') = 'string';

-- Any URL in a delivery's last error is cut to its origin.
UPDATE "AlertDelivery"
SET "lastError" = regexp_replace(
  "lastError",
  '([A-Za-z][A-Za-z0-9+.-]*://)(?:[^@/?#[:space:]]*@)?([^/?#[:space:]]*)[^[:space:]]*',
  '\1\2',
  'g'
)
WHERE "lastError" LIKE '%://%';

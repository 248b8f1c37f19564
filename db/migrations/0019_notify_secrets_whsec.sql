-- Issue 16: signing secrets move to the Standard Webhooks format, `whsec_` + base64 of the HMAC
-- key. A secret chosen before is kept, not re-issued: its UTF-8 bytes were the HMAC key of the
-- old X-JD-Signature, so `whsec_` + base64(those bytes) is the same key and the agency derives
-- its new-format secret from the one it already holds (nothing secret changes hands). Those
-- agencies also keep receiving the old headers until an ADMIN issues them a new secret.
UPDATE "agencies"
SET "notify_secret" = 'whsec_' || replace(encode(convert_to("notify_secret", 'UTF8'), 'base64'), E'\n', ''),
    "notify_legacy_signature" = true
WHERE "notify_secret" IS NOT NULL AND "notify_secret" <> '';
--> statement-breakpoint
-- An empty secret signs nothing verifiable: such an endpoint gets none until one is issued.
UPDATE "agencies" SET "notify_secret" = NULL WHERE "notify_secret" = '';

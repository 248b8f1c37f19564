-- Supervision search (issue 6): trigram indexes serve "name contains …" on tens of thousands
-- of targets. pg_trgm ships with PostgreSQL and is a trusted extension (a database owner may
-- create it without superuser).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
-- The audit journal is append-only in the database itself (R14: what happened to a target is
-- never rewritten): UPDATE, DELETE and TRUNCATE are refused whoever the client is.
CREATE OR REPLACE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'journal is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER journal_no_update_delete BEFORE UPDATE OR DELETE ON journal
  FOR EACH ROW EXECUTE FUNCTION journal_append_only();
--> statement-breakpoint
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal
  FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();

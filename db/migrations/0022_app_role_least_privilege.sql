-- Least privilege (README, "Security"): migrations run as the database's owner; the API and the
-- worker act as discipline_app, which reads and writes the loop's tables but can only append to
-- the journal and the audit trail: no UPDATE, DELETE or TRUNCATE there, and as it owns no table
-- it can neither ALTER one nor disable or drop a trigger (SET session_replication_role is a
-- superuser's). The role is a group without login; the launchers give it a password (or an
-- operator grants it to a login role of their own: GRANT discipline_app TO <login>).
-- Roles belong to the whole server: made once, kept when another database already made it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'discipline_app') THEN
    CREATE ROLE discipline_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- another database's migration made it at the same moment
END
$$;
--> statement-breakpoint
-- Nobody but the owner creates objects in the schema (PostgreSQL 15 and later do so already).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO discipline_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO discipline_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO discipline_app;
--> statement-breakpoint
-- Tables and sequences later migrations make (as this same owner) are the app's too; an
-- append-only one revokes UPDATE and DELETE in its own migration, as below.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO discipline_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO discipline_app;
--> statement-breakpoint
-- R14: what happened to a target and who did what are appended, never rewritten.
REVOKE UPDATE, DELETE, TRUNCATE ON journal, audit_log FROM discipline_app;
--> statement-breakpoint
-- And even the owner's own client cannot rewrite the audit trail without dropping the trigger first.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

DROP INDEX "cases_target_idx";--> statement-breakpoint
DROP INDEX "cases_authority_idx";--> statement-breakpoint
DROP INDEX "cases_pushed_by_idx";--> statement-breakpoint
CREATE INDEX "cases_target_scope_idx" ON "cases" USING btree ("target_id","id","pushed_by","authority_id");--> statement-breakpoint
CREATE INDEX "cases_authority_target_idx" ON "cases" USING btree ("authority_id","target_id");--> statement-breakpoint
CREATE INDEX "cases_pushed_by_target_idx" ON "cases" USING btree ("pushed_by","target_id");
DROP INDEX "targets_status_idx";--> statement-breakpoint
CREATE INDEX "targets_status_updated_id_idx" ON "targets" USING btree ("status","updated_at" DESC NULLS FIRST,"id");
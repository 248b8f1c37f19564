DROP INDEX "targets_updated_idx";--> statement-breakpoint
CREATE INDEX "targets_updated_id_idx" ON "targets" USING btree ("updated_at" DESC NULLS FIRST,"id");
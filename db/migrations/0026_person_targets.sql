ALTER TABLE "cases" ADD COLUMN "derived_from" text;--> statement-breakpoint
CREATE INDEX "cases_derived_from_idx" ON "cases" USING btree ("derived_from");
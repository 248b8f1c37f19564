CREATE TABLE "objections" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"filed_by" text NOT NULL,
	"reason" text NOT NULL,
	"filed_at" timestamp with time zone NOT NULL,
	"verify_due_at" timestamp with time zone,
	"outcome" text,
	"decided_by" text,
	"decision_reason" text,
	"decided_at" timestamp with time zone,
	"release_due_at" timestamp with time zone,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "objections_case_idx" ON "objections" USING btree ("case_id");
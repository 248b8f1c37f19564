CREATE TABLE "case_measures" (
	"case_id" text NOT NULL,
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"implementer_id" text NOT NULL,
	"status" text NOT NULL,
	"active_from" date NOT NULL,
	"period_end" date,
	"released_at" timestamp with time zone,
	"release_reason" text,
	CONSTRAINT "case_measures_case_id_code_pk" PRIMARY KEY("case_id","code")
);
--> statement-breakpoint
ALTER TABLE "case_measures" ADD CONSTRAINT "case_measures_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_measures_status_idx" ON "case_measures" USING btree ("status","period_end");
CREATE TABLE "case_implementers" (
	"case_id" text NOT NULL,
	"agency_id" text NOT NULL,
	"measures" jsonb NOT NULL,
	"pushed_at" timestamp with time zone NOT NULL,
	"acknowledge_due_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	CONSTRAINT "case_implementers_case_id_agency_id_pk" PRIMARY KEY("case_id","agency_id")
);
--> statement-breakpoint
ALTER TABLE "case_implementers" ADD CONSTRAINT "case_implementers_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_implementers" ADD CONSTRAINT "case_implementers_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_implementers_agency_idx" ON "case_implementers" USING btree ("agency_id");
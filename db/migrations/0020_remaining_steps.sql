CREATE TABLE "step_deadlines" (
	"kind" text PRIMARY KEY NOT NULL,
	"working_days" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monthly_reports" (
	"implementer_id" text NOT NULL,
	"month" text NOT NULL,
	"counts" jsonb NOT NULL,
	"enhanced_supervision" text NOT NULL,
	"typical_cases" text NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"filed_by" text NOT NULL,
	"fingerprint" text NOT NULL,
	"delivered" integer,
	"delivered_at" timestamp with time zone,
	"targets_count" integer NOT NULL,
	CONSTRAINT "monthly_reports_implementer_id_month_pk" PRIMARY KEY("implementer_id","month")
);
--> statement-breakpoint
CREATE TABLE "complaints" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"office_id" text NOT NULL,
	"reason" text NOT NULL,
	"filed_at" timestamp with time zone NOT NULL,
	"outcome" text,
	"decision_reason" text,
	"decided_at" timestamp with time zone,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "parent_id" text;--> statement-breakpoint
ALTER TABLE "deadline_rules" ADD COLUMN "due_day" integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE "objections" ADD COLUMN "raised_by" text DEFAULT 'party' NOT NULL;--> statement-breakpoint
ALTER TABLE "monthly_reports" ADD CONSTRAINT "monthly_reports_implementer_id_agencies_id_fk" FOREIGN KEY ("implementer_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "monthly_reports_month_idx" ON "monthly_reports" USING btree ("month");--> statement-breakpoint
CREATE INDEX "complaints_case_idx" ON "complaints" USING btree ("case_id");
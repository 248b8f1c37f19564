CREATE TABLE "matching_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"document_kind" text NOT NULL,
	"field" text,
	"target_kinds" text[] NOT NULL,
	"measure_codes" text[] NOT NULL,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "measure_changes" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"code" text NOT NULL,
	"proposed_by" text NOT NULL,
	"reason" text NOT NULL,
	"proposal" jsonb,
	"effective_from" date,
	"status" text NOT NULL,
	"credit_decision" jsonb,
	"legal_decision" jsonb,
	"review_due_at" timestamp with time zone,
	"workflow_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "measure_versions" (
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"list" text NOT NULL,
	"category" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"legal_basis" jsonb,
	"source" jsonb,
	"target_kinds" text[] NOT NULL,
	"period" jsonb NOT NULL,
	"legal_minimum" jsonb,
	"implementer_kind" text NOT NULL,
	"mandatory" boolean NOT NULL,
	"feedback_set" boolean NOT NULL,
	"outside_local_authority" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"effective_from" date NOT NULL,
	"change_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "measure_versions_code_version_pk" PRIMARY KEY("code","version")
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_key" text NOT NULL,
	"agency_id" text NOT NULL,
	"kind" text NOT NULL,
	"rule" text,
	"subject" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "overdue_steps" ALTER COLUMN "case_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "overdue_steps" ADD COLUMN "change_id" text;--> statement-breakpoint
ALTER TABLE "overdue_steps" ADD COLUMN "agency_id" text;--> statement-breakpoint
ALTER TABLE "measure_changes" ADD CONSTRAINT "measure_changes_proposed_by_agencies_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "measure_versions_effective_idx" ON "measure_versions" USING btree ("code","effective_from");--> statement-breakpoint
CREATE UNIQUE INDEX "notices_event_agency_uq" ON "notices" USING btree ("event_key","agency_id");--> statement-breakpoint
CREATE INDEX "notices_agency_idx" ON "notices" USING btree ("agency_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "overdue_steps_change_step_uq" ON "overdue_steps" USING btree ("change_id","step");
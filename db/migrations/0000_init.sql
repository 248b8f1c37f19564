CREATE TABLE "cases" (
	"id" text PRIMARY KEY NOT NULL,
	"target_id" text NOT NULL,
	"source" text NOT NULL,
	"document_number" text NOT NULL,
	"document_issuer" text NOT NULL,
	"issued_on" date NOT NULL,
	"consultation" boolean DEFAULT false NOT NULL,
	"measures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text NOT NULL,
	"receipt_due_at" timestamp with time zone,
	"received_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journal" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_key" text NOT NULL,
	"target_id" text NOT NULL,
	"case_id" text,
	"kind" text NOT NULL,
	"rule" text,
	"at" timestamp with time zone NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "overdue_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"step" text NOT NULL,
	"rule" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "targets" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"credit_code" text,
	"id_number" text,
	"workflow_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_target_id_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "overdue_steps" ADD CONSTRAINT "overdue_steps_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cases_document_uq" ON "cases" USING btree ("document_issuer","document_number");--> statement-breakpoint
CREATE INDEX "cases_target_idx" ON "cases" USING btree ("target_id");--> statement-breakpoint
CREATE UNIQUE INDEX "journal_event_key_uq" ON "journal" USING btree ("event_key");--> statement-breakpoint
CREATE INDEX "journal_target_idx" ON "journal" USING btree ("target_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "overdue_steps_case_step_uq" ON "overdue_steps" USING btree ("case_id","step");
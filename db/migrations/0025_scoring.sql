CREATE TABLE "scoring_acts" (
	"id" text PRIMARY KEY NOT NULL,
	"target_id" text NOT NULL,
	"policy_id" text NOT NULL,
	"class" text NOT NULL,
	"item" text NOT NULL,
	"date" date NOT NULL,
	"document_number" text NOT NULL,
	"document_key" text NOT NULL,
	"document_issuer" text NOT NULL,
	"document_issued_on" date,
	"correction_due_on" date,
	"corrected_on" date,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"idempotency_key" text,
	"fingerprint" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scoring_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"policy_id" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"document" jsonb NOT NULL,
	"authority_id" text NOT NULL,
	"proposed_by" text NOT NULL,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"effective_from" date,
	"credit_decision" jsonb,
	"legal_decision" jsonb,
	"review_due_at" timestamp with time zone,
	"workflow_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "target_scoring" (
	"target_id" text PRIMARY KEY NOT NULL,
	"policy_id" text NOT NULL,
	"version" integer NOT NULL,
	"since" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "scoring_acts" ADD CONSTRAINT "scoring_acts_target_id_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_acts" ADD CONSTRAINT "scoring_acts_recorded_by_agencies_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_policies" ADD CONSTRAINT "scoring_policies_authority_id_agencies_id_fk" FOREIGN KEY ("authority_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_policies" ADD CONSTRAINT "scoring_policies_proposed_by_agencies_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "target_scoring" ADD CONSTRAINT "target_scoring_target_id_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "scoring_acts_document_item_uq" ON "scoring_acts" USING btree ("document_key","item");--> statement-breakpoint
CREATE UNIQUE INDEX "scoring_acts_idempotency_uq" ON "scoring_acts" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "scoring_acts_target_idx" ON "scoring_acts" USING btree ("target_id","date");--> statement-breakpoint
CREATE UNIQUE INDEX "scoring_policies_version_uq" ON "scoring_policies" USING btree ("policy_id","version") WHERE "scoring_policies"."status" <> 'rejected';
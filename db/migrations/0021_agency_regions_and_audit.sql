CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"action" text NOT NULL,
	"actor_agency_id" text,
	"actor_key_id" text,
	"client_ip" text,
	"target_id" text,
	"subject_agency_id" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "key_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"agency_id" text NOT NULL,
	"reason" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_by_key" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" text,
	"decided_by_key" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"key_id" text
);
--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "region" text;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "national_scope" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "key_requests" ADD CONSTRAINT "key_requests_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_requests" ADD CONSTRAINT "key_requests_requested_by_agencies_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_requests" ADD CONSTRAINT "key_requests_decided_by_agencies_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action","at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_agency_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "audit_log" USING btree ("target_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_subject_idx" ON "audit_log" USING btree ("subject_agency_id","at");--> statement-breakpoint
CREATE INDEX "key_requests_status_idx" ON "key_requests" USING btree ("status","requested_at");
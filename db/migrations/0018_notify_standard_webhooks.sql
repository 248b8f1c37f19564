CREATE TABLE "notice_retries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"notice_id" bigint NOT NULL,
	"retried_by" text NOT NULL,
	"by" text,
	"at" timestamp with time zone NOT NULL,
	"attempts_before" integer NOT NULL
);
--> statement-breakpoint
DROP INDEX "notices_undelivered_idx";--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "notify_legacy_signature" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "parked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "attempts_before_retry" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notice_retries" ADD CONSTRAINT "notice_retries_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_retries" ADD CONSTRAINT "notice_retries_retried_by_agencies_id_fk" FOREIGN KEY ("retried_by") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notice_retries_notice_idx" ON "notice_retries" USING btree ("notice_id");--> statement-breakpoint
CREATE INDEX "notices_parked_idx" ON "notices" USING btree ("parked_at") WHERE parked_at is not null;--> statement-breakpoint
CREATE INDEX "notices_undelivered_idx" ON "notices" USING btree ("next_attempt_at") WHERE delivered_at is null and parked_at is null;
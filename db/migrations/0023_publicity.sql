CREATE TABLE "letters" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"target_id" text NOT NULL,
	"kind" text NOT NULL,
	"content" jsonb NOT NULL,
	"issued_by" text,
	"issued_at" timestamp with time zone NOT NULL,
	"delivered_on" date,
	"delivery_way" text,
	"delivered_by" text
);
--> statement-breakpoint
CREATE TABLE "policy_settings" (
	"kind" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "publicity_orders" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"record_id" text NOT NULL,
	"case_id" text NOT NULL,
	"target_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"publisher_id" text,
	"kind" text NOT NULL,
	"record" jsonb NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone,
	"reference" text
);
--> statement-breakpoint
CREATE TABLE "publicity_records" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"target_id" text NOT NULL,
	"code" text NOT NULL,
	"channel" text NOT NULL,
	"publisher_id" text,
	"status" text NOT NULL,
	"under_objection" boolean DEFAULT false NOT NULL,
	"published_on" date,
	"withdrawn_on" date,
	"record" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "publisher_channel" text;--> statement-breakpoint
ALTER TABLE "measure_versions" ADD COLUMN "publicity_channels" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "penalty_type" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "penalty_amount" numeric(16, 2);--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "penalty_field" text;--> statement-breakpoint
ALTER TABLE "letters" ADD CONSTRAINT "letters_issued_by_agencies_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "letters_case_idx" ON "letters" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "publicity_orders_id_uq" ON "publicity_orders" USING btree ("id");--> statement-breakpoint
CREATE INDEX "publicity_orders_publisher_idx" ON "publicity_orders" USING btree ("publisher_id","seq");--> statement-breakpoint
CREATE INDEX "publicity_records_case_idx" ON "publicity_records" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "publicity_records_target_idx" ON "publicity_records" USING btree ("target_id");
CREATE TABLE "agencies" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"level" text DEFAULT 'city' NOT NULL,
	"field" text,
	"roles" text[] NOT NULL,
	"implementer_kind" text,
	"notify_url" text,
	"notify_secret" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"agency_id" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "calendar_days" (
	"date" date PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_loads" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"loaded_at" timestamp with time zone NOT NULL,
	"loaded_by" text NOT NULL,
	"via" text NOT NULL,
	"notice" jsonb NOT NULL,
	"changes" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"notice" jsonb NOT NULL,
	"amendments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"loaded_at" timestamp with time zone NOT NULL,
	"loaded_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_uq" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "calendar_days_year_idx" ON "calendar_days" USING btree ("year");
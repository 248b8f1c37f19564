CREATE TABLE "escalation_settings" (
	"step" text PRIMARY KEY NOT NULL,
	"interval_working_days" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL
);

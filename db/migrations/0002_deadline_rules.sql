CREATE TABLE "deadline_rules" (
	"kind" text PRIMARY KEY NOT NULL,
	"non_working_day" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL
);

CREATE TABLE "case_persons" (
	"case_id" text NOT NULL,
	"person_target_id" text NOT NULL,
	"role" text NOT NULL,
	"name" text NOT NULL,
	"id_number" text NOT NULL,
	CONSTRAINT "case_persons_case_id_person_target_id_pk" PRIMARY KEY("case_id","person_target_id")
);
--> statement-breakpoint
CREATE INDEX "case_persons_person_idx" ON "case_persons" USING btree ("person_target_id");
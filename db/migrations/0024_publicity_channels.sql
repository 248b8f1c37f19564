-- R8: the platforms each publicity measure is published on (db/measures/catalog.json). Versions
-- loaded before the column existed get the catalog's channels; versions that already name some
-- (an ADMIN's reviewed change) keep theirs.
UPDATE measure_versions SET publicity_channels = '{gsxt,creditchina}' WHERE code = 'DM-R8-PUBLICITY-ADVERSE' AND publicity_channels = '{}';
--> statement-breakpoint
UPDATE measure_versions SET publicity_channels = '{gsxt}' WHERE code IN ('DM-R8-PUBLICITY-NAME-CHANGE', 'DM-R8-PUBLICITY-MINOR-3M') AND publicity_channels = '{}';
--> statement-breakpoint
UPDATE measure_versions SET publicity_channels = '{creditchina}' WHERE code = 'DM-R8-EXPOSURE' AND publicity_channels = '{}';

-- PostgreSQL only, no SQLite counterpart. The audit recorder moves its head (the settings row
-- 'audit.head') with every batch it appends, that is every few seconds while anything happens.
-- That row is no configuration any node caches, so it must not bump config_version: otherwise every
-- node would reload its licenses, pools, rules and authentication settings after each append.
DROP TRIGGER settings_changed ON settings;
CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE ON settings FOR EACH ROW
    WHEN (NEW.key <> 'audit.head') EXECUTE FUNCTION usher_config_changed();
CREATE TRIGGER settings_removed AFTER DELETE ON settings FOR EACH ROW
    WHEN (OLD.key <> 'audit.head') EXECUTE FUNCTION usher_config_changed();

package dev.usher.server.notify;

import dev.usher.core.notify.Alert;
import dev.usher.core.notify.AlertKind;
import dev.usher.core.notify.ExpiryAlerts;
import dev.usher.server.license.LicenseService;

import java.time.Instant;
import java.util.List;

/** Licenses and pools that expire within the configured days (see {@link ExpiryAlerts}). */
final class LicenseExpiryWatch implements Watch {

    private final LicenseService licenses;

    LicenseExpiryWatch(LicenseService licenses) {
        this.licenses = licenses;
    }

    @Override
    public AlertKind kind() {
        return AlertKind.LICENSE_EXPIRING;
    }

    @Override
    public List<Alert> check(Instant now, NotificationSettings settings) {
        return ExpiryAlerts.of(licenses.inventory(), now, settings.expiryDays());
    }
}

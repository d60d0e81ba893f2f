package io.omnivibe.testing;

import java.util.HashMap;
import java.util.Map;

/**
 * Attempts that wait long, for tests about what happens while a call is on its way: a cold stub's
 * slow first answers on a busy machine can take longer than the default attempt timeout, and a
 * retry there would be a second upstream call the test did not ask for.
 */
public class PatientAttempts extends CircuitNeverOpens {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
        overrides.put("lookup.attempt-timeout-ms", "8000");
        overrides.put("lookup.budget-ms", "10000");
        return overrides;
    }
}

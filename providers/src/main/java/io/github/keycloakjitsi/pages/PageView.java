package io.github.keycloakjitsi.pages;

import io.github.keycloakjitsi.core.InviteSettings;
import io.github.keycloakjitsi.invites.InviteSummary;
import io.github.keycloakjitsi.service.JitsiUrls;
import org.keycloak.models.UserModel;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the meetings page's templates show, as plain maps (FreeMarker reads them on every Keycloak
 * 26.x): times as dates (an ISO instant the page's script shows in the reader's own time zone and
 * language, and the same in UTC for a browser without scripts), the validities a host may choose,
 * rooms as people typed them, hosts by name, links into the join flow.
 */
final class PageView {

    /** The validities offered, besides the admin's longest: an hour, a day, a week, 30 days. */
    private static final int[] VALIDITIES = {3600, 24 * 3600, 7 * 24 * 3600, 30 * 24 * 3600};

    private PageView() {
    }

    /** A time as {@code iso} (for the page's script and the datetime attribute) and {@code text} (in UTC, in the page's language). */
    static Map<String, Object> time(long epochSeconds, Locale locale) {
        Instant instant = Instant.ofEpochSecond(epochSeconds);
        Map<String, Object> time = new HashMap<>();
        time.put("iso", DateTimeFormatter.ISO_INSTANT.format(instant));
        time.put("text", DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(locale)
                .withZone(ZoneOffset.UTC).format(instant) + " UTC");
        return time;
    }

    /**
     * The validities a host may choose: an hour, a day, a week, 30 days, and the admin's longest,
     * those within the realm's bounds; each as {@code seconds}, {@code count} and {@code unit}
     * (minutes, hours, days), {@code words} (the message for one or more of them) for the page's words,
     * and {@code selected} for the one chosen. Numbers go to the page as text: Keycloak 26.4 hands
     * message arguments over as strings, so no message formats them as numbers.
     */
    static List<Map<String, Object>> validities(int longest, int chosen) {
        TreeSet<Integer> seconds = new TreeSet<>();
        for (int validity : VALIDITIES) {
            if (validity >= InviteSettings.MIN_VALIDITY && validity <= longest) {
                seconds.add(validity);
            }
        }
        seconds.add(longest);
        List<Map<String, Object>> options = new ArrayList<>();
        for (int s : seconds) {
            Map<String, Object> option = new HashMap<>();
            option.put("seconds", String.valueOf(s));
            int count;
            String unit;
            if (s % (24 * 3600) == 0) {
                count = s / (24 * 3600);
                unit = "days";
            } else if (s % 3600 == 0) {
                count = s / 3600;
                unit = "hours";
            } else {
                count = s / 60;
                unit = "minutes";
            }
            option.put("count", String.valueOf(count));
            option.put("unit", unit);
            option.put("words", "jitsiMeetingsDuration_" + unit + (count == 1 ? "_one" : "_other"));
            option.put("selected", s == chosen);
            options.add(option);
        }
        return options;
    }

    /** The address of the join flow for a room (and tenant): through the login when needed, then into Jitsi with a host's token. */
    static String joinLink(JitsiUrls urls, String room, String tenant) {
        String link = urls.join() + "?room=" + encode(room);
        return tenant == null || tenant.isEmpty() ? link : link + "&tenant=" + encode(tenant);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** How people are named on the page: first and last name when the user has them, else the username. */
    static String nameOf(UserModel user) {
        String first = user.getFirstName() == null ? "" : user.getFirstName().strip();
        String last = user.getLastName() == null ? "" : user.getLastName().strip();
        String name = (first + " " + last).strip();
        return name.isEmpty() ? user.getUsername() : name;
    }

    /** An invitation as a row of the page: never its link, which is not kept. It ends when it expires, or when it was revoked before. */
    static Map<String, Object> row(InviteSummary invite, Locale locale) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", invite.id());
        row.put("room", invite.roomName());
        if (invite.tenant() != null) {
            row.put("tenant", invite.tenant());
        }
        if (invite.guestName() != null) {
            row.put("guestName", invite.guestName());
        }
        row.put("created", time(invite.createdAt(), locale));
        row.put("ends", time(invite.revokedAt() != null ? Math.min(invite.revokedAt(), invite.expiresAt()) : invite.expiresAt(), locale));
        row.put("uses", String.valueOf(invite.uses()));
        if (invite.maxUses() != null) {
            row.put("maxUses", String.valueOf(invite.maxUses()));
            row.put("usesLeft", String.valueOf(invite.usesLeft()));
        }
        row.put("state", invite.state().name().toLowerCase(Locale.ROOT));
        return row;
    }
}

package io.hotcrm.web;

import io.hotcrm.common.HotCrmException;
import java.util.List;

/**
 * How often a schedule runs, as a person picks it — every hour at a minute, every day at a time, every week on a day at
 * a time, every month on a day at a time — or a raw cron expression (the advanced choice). The form writes the cron;
 * a cron that matches a preset is shown as that preset again.
 */
public record Frequency(String kind, String minute, String time, String weekday, String day, String cron) {
    /** Days of the week as cron numbers (0 = Sunday) with their names, Monday first. */
    public static final List<String[]> WEEKDAYS = List.of(new String[] {"1", "Monday"}, new String[] {"2", "Tuesday"},
            new String[] {"3", "Wednesday"}, new String[] {"4", "Thursday"}, new String[] {"5", "Friday"},
            new String[] {"6", "Saturday"}, new String[] {"0", "Sunday"});

    public static final Frequency DEFAULT = new Frequency("daily", "0", "02:00", "1", "1", "0 2 * * *");

    /** The cron expression the choice stands for; a clear message for a time, minute or day out of range. */
    public String toCron() {
        return switch (kind) {
            case "hourly" -> number(minute, 0, 59, "The minute past the hour") + " * * * *";
            case "daily" -> at() + " * * *";
            case "weekly" -> at() + " * * " + number(weekday, 0, 6, "The day of the week");
            case "monthly" -> at() + " " + number(day, 1, 28, "The day of the month") + " * *";
            case "custom" -> {
                if (cron == null || cron.isBlank()) {
                    throw HotCrmException.invalid("Give the cron expression, such as \"0 2 * * *\" for 02:00 every day.");
                }
                yield cron.trim();
            }
            default -> throw HotCrmException.invalid("Choose how often it runs: hourly, daily, weekly, monthly or a cron expression.");
        };
    }

    /** "MM HH" from the time of day. */
    private String at() {
        String t = time == null ? "" : time.trim();
        if (!t.matches("\\d{1,2}:\\d{2}")) {
            throw HotCrmException.invalid("The time of day must be like 02:00 or 17:30, not \"" + t + "\".");
        }
        String[] hm = t.split(":");
        return number(hm[1], 0, 59, "The minute") + " " + number(hm[0], 0, 23, "The hour");
    }

    private static int number(String s, int min, int max, String what) {
        try {
            int n = Integer.parseInt(s == null ? "" : s.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw HotCrmException.invalid(what + " must be a number from " + min + " to " + max + ", not \"" + s + "\".");
    }

    /** The choice a cron expression reads as: a preset when it is one, else custom with the cron as given. */
    public static Frequency of(String cron) {
        String c = cron == null ? "" : cron.trim();
        String[] f = c.split("\\s+");
        if (f.length == 5 && f[0].matches("\\d{1,2}") && f[2].equals("*") && f[3].equals("*")) {
            String minute = String.valueOf(Integer.parseInt(f[0]));
            if (f[1].equals("*") && f[4].equals("*")) {
                return new Frequency("hourly", minute, DEFAULT.time, DEFAULT.weekday, DEFAULT.day, c);
            }
            if (f[1].matches("\\d{1,2}")) {
                String time = String.format("%02d:%02d", Integer.parseInt(f[1]), Integer.parseInt(f[0]));
                if (f[4].equals("*")) {
                    return new Frequency("daily", minute, time, DEFAULT.weekday, DEFAULT.day, c);
                }
                if (f[4].matches("[0-6]")) {
                    return new Frequency("weekly", minute, time, f[4], DEFAULT.day, c);
                }
            }
        }
        if (f.length == 5 && f[0].matches("\\d{1,2}") && f[1].matches("\\d{1,2}") && f[2].matches("\\d{1,2}")
                && Integer.parseInt(f[2]) <= 28 && f[3].equals("*") && f[4].equals("*")) {
            String time = String.format("%02d:%02d", Integer.parseInt(f[1]), Integer.parseInt(f[0]));
            return new Frequency("monthly", String.valueOf(Integer.parseInt(f[0])), time, DEFAULT.weekday, f[2], c);
        }
        return new Frequency("custom", DEFAULT.minute, DEFAULT.time, DEFAULT.weekday, DEFAULT.day, c);
    }

    /** In words: "every day at 02:00". */
    public String describe() {
        return switch (kind) {
            case "hourly" -> "every hour at minute " + minute;
            case "daily" -> "every day at " + time;
            case "weekly" -> "every " + WEEKDAYS.stream().filter(w -> w[0].equals(weekday)).map(w -> w[1]).findFirst().orElse(weekday)
                    + " at " + time;
            case "monthly" -> "on day " + day + " of every month at " + time;
            default -> "on the cron schedule " + cron;
        };
    }
}

package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmarks' order of variants and their reading of wrk, without a server. */
class BenchmarksTest {

    @Test
    void twoVariantsTakeTurnsToGoFirst() {
        assertThat(Benchmarks.order(2, 0)).containsExactly(0, 1);
        assertThat(Benchmarks.order(2, 1)).containsExactly(1, 0);
        assertThat(Benchmarks.order(2, 2)).containsExactly(0, 1);
    }

    @Test
    void everyVariantRunsInEveryPlaceAndAfterEveryOtherEquallyOften() {
        for (int variants = 2; variants <= 7; variants++) {
            int rounds = Benchmarks.balancedRounds(variants);
            int[][] places = new int[variants][variants];
            Map<List<Integer>, Integer> after = new HashMap<>();
            for (int round = 0; round < rounds; round++) {
                List<Integer> order = Benchmarks.order(variants, round);
                assertThat(order).as("round %d of %d variants", round, variants).containsExactlyInAnyOrderElementsOf(range(variants));
                for (int place = 0; place < variants; place++) {
                    places[order.get(place)][place]++;
                    if (place > 0) {
                        after.merge(List.of(order.get(place - 1), order.get(place)), 1, Integer::sum);
                    }
                }
            }
            for (int[] variant : places) {
                assertThat(variant).as("%d variants: places", variants).containsOnly(rounds / variants);
            }
            assertThat(after).as("%d variants: each ordered pair of neighbours", variants).hasSize(variants * (variants - 1));
            assertThat(after.values()).as("%d variants: neighbours", variants).containsOnly(rounds * (variants - 1) / (variants * (variants - 1)));
        }
    }

    @Test
    void theIntervalNarrowsToTheRatioWhenEveryRoundAgrees() {
        List<Benchmarks.Window> a = new ArrayList<>();
        List<Benchmarks.Window> b = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            a.add(window(990, 990));
            b.add(window(1000, 1000));
        }
        assertThat(Benchmarks.compare(a, b)).isEqualTo("0.990 in requests per second (round by round: median 0.990, 0.990 to 0.990;"
                + " 95% interval 0.990 to 0.990), 1.000 in Keycloak CPU per request (round by round: median 1.000, 1.000 to 1.000;"
                + " 95% interval 1.000 to 1.000), 8 rounds");
    }

    @Test
    void theIntervalSpansTheRoundsWhenTheyDisagree() {
        List<Benchmarks.Window> a = new ArrayList<>();
        List<Benchmarks.Window> b = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            a.add(window(round % 2 == 0 ? 900 : 1100, 1000));
            b.add(window(1000, 1000));
        }
        java.util.regex.Matcher interval = java.util.regex.Pattern.compile("^1\\.000 in requests per second \\(round by round: median 1\\.000,"
                + " 0\\.900 to 1\\.100; 95% interval ([\\d.]+) to ([\\d.]+)\\)").matcher(Benchmarks.compare(a, b));
        assertThat(interval.find()).as(Benchmarks.compare(a, b)).isTrue();
        assertThat(Double.parseDouble(interval.group(1))).isBetween(0.92, 0.99);
        assertThat(Double.parseDouble(interval.group(2))).isBetween(1.01, 1.08);
    }

    @Test
    void windowsMeasuredTogetherAreComparedInRequestsPerSecondOnly() {
        List<Benchmarks.Window> a = new ArrayList<>();
        List<Benchmarks.Window> b = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            a.add(new Benchmarks.Window(495, 0, 1, 2, Duration.ofSeconds(1), null));
            b.add(new Benchmarks.Window(500, 0, 1, 2, Duration.ofSeconds(1), null));
        }
        assertThat(Benchmarks.compare(a, b)).isEqualTo("0.990 in requests per second (round by round: median 0.990, 0.990 to 0.990;"
                + " 95% interval 0.990 to 0.990), 4 rounds");
        assertThat(Benchmarks.table("t", Map.of("a", a), 1, Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .contains("4 rounds of 1 s with every variant at the same time").contains("| a | 1980 | 0 | 495.0 | 1.00 | 2.00 |\n")
                .doesNotContain("CPU");
    }

    @Test
    void readsWrksSummary() {
        String wrk = """
                Running 5s test @ http://127.0.0.1:8080/realms/jitsi-realm/protocol/openid-connect/token
                  1 threads and 4 connections
                  Latency Distribution
                     50%    5.83ms
                     75%    7.10ms
                     90%   10.20ms
                     99%   27.26ms
                  3061 requests in 5.01s, 9.87MB read
                  Non-2xx or 3xx responses: 3
                Requests/sec:    611.00
                """;
        Benchmarks.Window window = Benchmarks.parse(wrk, Duration.ofMillis(9000));
        assertThat(window.requests()).isEqualTo(3058);
        assertThat(window.failures()).isEqualTo(3);
        assertThat(window.p50Millis()).isEqualTo(5.83);
        assertThat(window.p99Millis()).isEqualTo(27.26);
        assertThat(window.duration()).isCloseTo(Duration.ofMillis(5010), Duration.ofNanos(1));
    }

    private static Benchmarks.Window window(long requests, long cpuMillis) {
        return new Benchmarks.Window(requests, 0, 1, 2, Duration.ofSeconds(1), Duration.ofMillis(cpuMillis));
    }

    private static List<Integer> range(int n) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }
}

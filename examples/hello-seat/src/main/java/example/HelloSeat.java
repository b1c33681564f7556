package example;

import dev.usher.client.NoSeatsAvailable;
import dev.usher.client.Seat;
import dev.usher.client.SeatListener;
import dev.usher.client.SeatLoss;
import dev.usher.client.UsherClient;
import dev.usher.client.UsherException;

import java.net.URI;
import java.time.Duration;

/**
 * What a vendor's application does with Usher: take a seat at start, keep it while working (the
 * client heartbeats in the background), tell the user plainly when there is none, give it back.
 *
 * <pre>
 * ./usher serve --demo                       # in another terminal
 * java -cp usher-client.jar:hello-seat.jar example.HelloSeat http://localhost:9780 demo cal 30   # Java 11 or newer
 * </pre>
 */
public final class HelloSeat {

    public static void main(String[] args) throws InterruptedException {
        URI server = URI.create(args.length > 0 ? args[0] : "http://localhost:9780");
        String product = args.length > 1 ? args[1] : "demo";
        String feature = args.length > 2 ? args[2] : "cal";
        long seconds = args.length > 3 ? Long.parseLong(args[3]) : 30;

        UsherClient usher = UsherClient.builder()
                .servers(server)
                .product(product)
                .clientName("hello-seat 1.0")
                .listener(new SeatListener() {
                    @Override
                    public void seatLost(Seat seat, SeatLoss loss) {
                        // An administrator's act (loss.byAdministrator()) is not undone by the client on its own.
                        System.err.println("Your license seat was lost: " + loss.message() + " Save your work.");
                    }

                    @Override
                    public void seatRestored(Seat seat) {
                        System.err.println("Your license seat is back.");
                    }
                })
                .build();
        try (usher; Seat seat = usher.checkout(feature)) {
            System.out.println("Got seat " + seat.seatId() + " as " + seat.user() + " (" + seat.sharedWithSessions()
                    + " other session(s) of yours share it); working for " + seconds + " s");
            Thread.sleep(Duration.ofSeconds(seconds).toMillis());
            System.out.println("Done; giving the seat back.");
        } catch (NoSeatsAvailable e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (UsherException e) {
            System.err.println("Cannot get a license seat: " + e.getMessage());
            System.exit(1);
        }
    }
}

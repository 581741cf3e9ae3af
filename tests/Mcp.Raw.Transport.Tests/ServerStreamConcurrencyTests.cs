using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Transport.Events;
using Mcp.Raw.Transport.Http;
using Mcp.Raw.Transport.Sse;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Transport.Tests;

/// <summary>
/// The response's one writer under concurrent producers: events written without the gate (the append lock) never
/// interleave, keep each producer's order, are all delivered before the response, and none follows it.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ServerStreamConcurrencyTests
{
    private const int Producers = 4;
    private const int EventsEach = 2_000;

    [TestCase(false)]
    [TestCase(true)]
    public async Task ConcurrentProducers_NeverInterleave_KeepOrder_AndNothingFollowsTheResponse_TR36_UT04(bool resumable, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var http = new DefaultHttpContext();
        http.Features.Set<IHttpResponseBodyFeature>(new PipeResponseBody(pipe.Writer));
        var store = resumable ? new InMemoryEventStore(Options.Create(new StreamableHttpOptions { MaxEventsPerStream = 100_000, MaxEventBytesPerStream = 64 << 20 })) : null;
        var key = new StreamKey("tag", 1);
        var stream = new ServerStream(http, ContentNegotiation.Accepts.Both, store, key, priming: resumable, retryMilliseconds: 1000);
        var read = ReadAllAsync(pipe.Reader, cancellationToken);

        var delivered = new int[Producers];
        var lateDelivered = 0;
        using var go = new Barrier(Producers + 1);
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            go.SignalAndWait(cancellationToken);
            for (var i = 1; i <= EventsEach; i++)
            {
                if (await stream.SendAsync(static (w, o, s) => w.WriteProgressNotification(o, new ProgressToken(s.P), s.I), (P: p, I: i)))
                {
                    delivered[p] = i;
                }
                else
                {
                    Interlocked.Increment(ref lateDelivered);
                }

                if (i % 64 == 0)
                {
                    await Task.Yield();
                }
            }
        }, cancellationToken)).ToArray();

        go.SignalAndWait(cancellationToken);
        await Task.Delay(1, cancellationToken);
        await stream.RespondAsync(static (w, o, _) => w.WriteResponse(o, new RequestId(1), "{\"done\":true}"u8), 0, 200);
        await Task.WhenAll(producers);
        await stream.DisposeAsync();

        var events = ParseEvents(await read);
        events.Should().NotBeEmpty();
        events[^1].Data.Should().Contain("\"done\":true", "the response is the last event");
        var progress = events.Where(e => e.Data.Contains("notifications/progress", StringComparison.Ordinal)).ToList();
        progress.Should().HaveCount(events.Count(e => e.Data.Length > 0) - 1, "every other event is a whole notification");

        for (var p = 0; p < Producers; p++)
        {
            var mine = progress.Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("params"))
                .Where(e => e.GetProperty("progressToken").GetInt32() == p)
                .Select(e => e.GetProperty("progress").GetInt32()).ToList();
            mine.Should().Equal(Enumerable.Range(1, delivered[p]), $"producer {p}: each event it was told was delivered arrived, in order, before the response");
        }

        (progress.Count + lateDelivered).Should().Be(Producers * EventsEach, "an event is either delivered or refused after the response");
        if (resumable)
        {
            var ids = events.Where(e => e.Data.Length > 0).Select(e => StreamEventId.TryParse(e.Id, out var id) ? id!.Value.Sequence : -1).ToList();
            ids.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems().And.NotContain(-1);
            var reader = (await store!.OpenAsync(key, 0, cancellationToken))!;
            var replayed = new List<long>();
            while (reader.TryRead(out var e))
            {
                replayed.Add(e.Id.Sequence);
            }

            replayed.Should().Equal(ids, "the stream's bytes and the store agree, event for event");
        }
    }

    private static async Task<string> ReadAllAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer)
            {
                text.Append(Encoding.UTF8.GetString(segment.Span));
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return text.ToString();
            }
        }
    }

    private static List<(string? Id, string Data)> ParseEvents(string text)
    {
        var events = new List<(string?, string)>();
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? id = null;
            var data = new StringBuilder();
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(line[6..]);
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data.Append(line[5..]);
                }
            }

            events.Add((id, data.ToString()));
        }

        return events;
    }
}

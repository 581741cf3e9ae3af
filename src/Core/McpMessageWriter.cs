using System.Buffers;
using Mcp.Raw.Protocol.JsonRpc;

namespace Mcp.Raw.Transport;

/// <summary>Writes one JSON-RPC message into <paramref name="output"/> with <paramref name="writer"/>; no closure needed.</summary>
public delegate void McpMessageWriter<in TState>(JsonRpcWriter writer, IBufferWriter<byte> output, TState state);

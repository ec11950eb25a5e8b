// SharedStrings.cs: one string instance for the values that repeat across a list of keys.

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ApiKeys.Internal
{
    /// <summary>
    /// A small process-wide pool for values that repeat in every key of a list: the kind
    /// ("immich"), Immich permissions ("all", "apiKey.read"), JIM role names. A list of 100,000
    /// keys otherwise holds 100,000 copies of each, about a fifth of its memory
    /// (bench/README.md, "Peak memory"). Bounded, so that a field holding unique values by
    /// mistake cannot grow it without end: past the bound, values are simply not shared.
    /// Strings are immutable, so sharing one instance is invisible to callers.
    /// </summary>
    public static class SharedStrings
    {
        const int MaxEntries = 4096;
        const int MaxBytes = 128;

        sealed class Entry
        {
            public byte[] Utf8;
            public string Value;
        }

        // Keyed by a hash of the UTF-8 bytes, so that a value already in the pool is found
        // without first making a string of it: the garbage of 100,000 transient copies would
        // itself show in the peak until the next collection.
        static readonly ConcurrentDictionary<ulong, Entry> Pool = new();

        /// <summary>The string value at the reader (a String token), shared when it repeats.</summary>
        public static string Read(ref Utf8JsonReader reader)
        {
            // An escaped value's raw bytes are not its text: leave it unshared (a backslash is
            // the only way JSON escapes; ValueIsEscaped needs .NET 7).
            if (reader.HasValueSequence || reader.ValueSpan.Length > MaxBytes || reader.ValueSpan.IndexOf((byte)'\\') >= 0)
                return reader.GetString();
            ReadOnlySpan<byte> utf8 = reader.ValueSpan;
            ulong hash = Fnv1a(utf8);
            if (Pool.TryGetValue(hash, out var entry) && utf8.SequenceEqual(entry.Utf8)) return entry.Value;
            string value = reader.GetString();
            if (entry == null && Pool.Count < MaxEntries)
                Pool.TryAdd(hash, new Entry { Utf8 = utf8.ToArray(), Value = value });
            return value;
        }

        static ulong Fnv1a(ReadOnlySpan<byte> bytes)
        {
            ulong h = 14695981039346656037UL;
            foreach (byte b in bytes) h = (h ^ b) * 1099511628211UL;
            return h;
        }
    }

    /// <summary>A string field whose values repeat across keys (SharedStrings).</summary>
    public sealed class SharedStringConverter : JsonConverter<string>
    {
        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => reader.TokenType == JsonTokenType.Null ? null : SharedStrings.Read(ref reader);

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
            => writer.WriteStringValue(value);
    }

    /// <summary>A string array whose elements repeat across keys (SharedStrings).</summary>
    public sealed class SharedStringArrayConverter : JsonConverter<string[]>
    {
        public override string[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) return null;
            if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected an array of strings");
            var items = new List<string>(4);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.Null) { items.Add(null); continue; }
                if (reader.TokenType != JsonTokenType.String) throw new JsonException("expected an array of strings");
                items.Add(SharedStrings.Read(ref reader));
            }
            return items.ToArray();
        }

        public override void Write(Utf8JsonWriter writer, string[] value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (var item in value) writer.WriteStringValue(item);
            writer.WriteEndArray();
        }
    }
}

// Reading the library's JSON (docs/interfaces.md) into the module's types.

using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ApiKeys.Internal
{
    /// <summary>Any RFC 3339 instant, whatever its offset, becomes a UTC DateTime.</summary>
    public sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => reader.GetDateTimeOffset().UtcDateTime;

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
            => writer.WriteStringValue(value);
    }

    /// <summary>The answer of a create or a rotate: the key, and its secret, shown once.</summary>
    public sealed class CreatedKey
    {
        public string Secret;
        public object Key;
        public string ReplacedId;
        public string Warning;
    }

    public static class Json
    {
        /// <summary>One options object for the process: System.Text.Json caches each type's
        /// metadata on it, so only the first read of a type pays for reflection.</summary>
        public static readonly JsonSerializerOptions Options = CreateOptions();

        static JsonSerializerOptions CreateOptions()
        {
            var o = new JsonSerializerOptions
            {
                IncludeFields = true,
                PropertyNameCaseInsensitive = true,
            };
            o.Converters.Add(new UtcDateTimeConverter());
            return o;
        }

        /// <summary>JSON text -> an instance of <paramref name="type"/> (or an array of them).</summary>
        public static object Read(string json, Type type, bool array)
            => JsonSerializer.Deserialize(json, array ? type.MakeArrayType() : type, Options);

        /// <summary>UTF-8 JSON -> an instance of <paramref name="type"/> (or an array of them),
        /// read in place: no UTF-16 copy of the text is made.</summary>
        public static object Read(ReadOnlySpan<byte> utf8, Type type, bool array)
            => JsonSerializer.Deserialize(utf8, array ? type.MakeArrayType() : type, Options);

        /// <summary>CreatedKey JSON {secret, key, replacedId?, warning?}, key read as <paramref name="keyType"/>.</summary>
        public static CreatedKey ReadCreated(ReadOnlySpan<byte> utf8, Type keyType)
        {
            var result = new CreatedKey();
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new JsonException("a created key must be a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "secret":
                        result.Secret = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        break;
                    case "key":
                        result.Key = JsonSerializer.Deserialize(ref reader, keyType, Options);
                        break;
                    case "replacedId":
                        result.ReplacedId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        break;
                    case "warning":
                        result.Warning = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            return result;
        }
    }
}

// The only door to libapikeys (include/apikeys.h, docs/interfaces.md section 1).
//
// One call = UTF-8 inputs, the status, the output read in place from the library's buffer,
// the error JSON parsed into NativeResult; every string the library returns is handed back to
// apikeys_string_free (which zeroes it) before the call returns. The exports are bound through
// function pointers per library path, so a second import with another $env:APIKEYS_LIBRARY
// binds that file, and a call costs no marshalling stubs.

using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ApiKeys.Internal
{
    /// <summary>What a successful call's output becomes.</summary>
    public enum ResultShape
    {
        /// <summary>The output JSON as a string (server info, whoami, catalog).</summary>
        Text,
        /// <summary>One object of the given type.</summary>
        Object,
        /// <summary>An array of the given type.</summary>
        Array,
        /// <summary>A <see cref="CreatedKey"/> whose key is of the given type.</summary>
        Created,
    }

    /// <summary>The outcome of one call: Status 0 and Value, or the error's parts. Never holds
    /// the inputs, and never the output text of a failed read (it may hold a secret).</summary>
    public sealed class NativeResult
    {
        public int Status;
        public object Value;
        public string Kind;
        public string Message;
        public int? HttpStatus;
        public string ServerMessage;
        public long? RetryAfterMs;
        public double ElapsedMs;
    }

    public sealed unsafe class Library
    {
        static readonly ConcurrentDictionary<string, Library> ByPath = new ConcurrentDictionary<string, Library>(StringComparer.Ordinal);

        // apikeys_status codes (include/apikeys.h) -> error kinds.
        static readonly string[] Kinds =
        {
            "ok", "invalid_argument", "authentication", "permission", "not_found", "conflict",
            "rate_limited", "unsupported", "transport", "tls", "timeout", "server", "protocol", "internal",
        };

        const int StatusProtocol = 12;

        public readonly string Path;
        readonly delegate* unmanaged[Cdecl]<IntPtr> version;
        readonly delegate* unmanaged[Cdecl]<byte*, ulong*, IntPtr*, int> sessionOpen;
        readonly delegate* unmanaged[Cdecl]<ulong, int> sessionClose;
        readonly delegate* unmanaged[Cdecl]<ulong, byte*, IntPtr*, IntPtr*, int> keyList;
        readonly delegate* unmanaged[Cdecl]<ulong, byte*, IntPtr*, IntPtr*, int> keyGet;
        readonly delegate* unmanaged[Cdecl]<ulong, byte*, IntPtr*, IntPtr*, int> keyCreate;
        readonly delegate* unmanaged[Cdecl]<ulong, byte*, byte*, IntPtr*, IntPtr*, int> keyUpdate;
        readonly delegate* unmanaged[Cdecl]<ulong, byte*, IntPtr*, int> keyDelete;
        readonly delegate* unmanaged[Cdecl]<ulong, byte*, byte*, IntPtr*, int> keyDeleteWithReason;
        readonly delegate* unmanaged[Cdecl]<ulong, byte*, IntPtr*, IntPtr*, int> keyRotate;
        readonly delegate* unmanaged[Cdecl]<ulong, IntPtr*, IntPtr*, int> whoami;
        readonly delegate* unmanaged[Cdecl]<ulong, IntPtr*, IntPtr*, int> serverInfo;
        readonly delegate* unmanaged[Cdecl]<ulong, IntPtr*, IntPtr*, int> catalog;
        readonly delegate* unmanaged[Cdecl]<IntPtr, void> stringFree;

        /// <summary>The library at <paramref name="path"/>, loaded and bound once per process.
        /// Throws DllNotFoundException or EntryPointNotFoundException.</summary>
        public static Library Load(string path) => ByPath.GetOrAdd(path, p => new Library(p));

        Library(string path)
        {
            Path = path;
            IntPtr h = NativeLibrary.Load(path);
            version = (delegate* unmanaged[Cdecl]<IntPtr>)NativeLibrary.GetExport(h, "apikeys_version");
            sessionOpen = (delegate* unmanaged[Cdecl]<byte*, ulong*, IntPtr*, int>)NativeLibrary.GetExport(h, "apikeys_session_open");
            sessionClose = (delegate* unmanaged[Cdecl]<ulong, int>)NativeLibrary.GetExport(h, "apikeys_session_close");
            keyList = (delegate* unmanaged[Cdecl]<ulong, byte*, IntPtr*, IntPtr*, int>)NativeLibrary.GetExport(h, "apikeys_key_list");
            keyGet = (delegate* unmanaged[Cdecl]<ulong, byte*, IntPtr*, IntPtr*, int>)NativeLibrary.GetExport(h, "apikeys_key_get");
            keyCreate = (delegate* unmanaged[Cdecl]<ulong, byte*, IntPtr*, IntPtr*, int>)NativeLibrary.GetExport(h, "apikeys_key_create");
            keyUpdate = (delegate* unmanaged[Cdecl]<ulong, byte*, byte*, IntPtr*, IntPtr*, int>)NativeLibrary.GetExport(h, "apikeys_key_update");
            keyDelete = (delegate* unmanaged[Cdecl]<ulong, byte*, IntPtr*, int>)NativeLibrary.GetExport(h, "apikeys_key_delete");
            keyDeleteWithReason = (delegate* unmanaged[Cdecl]<ulong, byte*, byte*, IntPtr*, int>)NativeLibrary.GetExport(h, "apikeys_key_delete_with_reason");
            keyRotate = (delegate* unmanaged[Cdecl]<ulong, byte*, IntPtr*, IntPtr*, int>)NativeLibrary.GetExport(h, "apikeys_key_rotate");
            whoami = (delegate* unmanaged[Cdecl]<ulong, IntPtr*, IntPtr*, int>)NativeLibrary.GetExport(h, "apikeys_whoami");
            serverInfo = (delegate* unmanaged[Cdecl]<ulong, IntPtr*, IntPtr*, int>)NativeLibrary.GetExport(h, "apikeys_server_info");
            catalog = (delegate* unmanaged[Cdecl]<ulong, IntPtr*, IntPtr*, int>)NativeLibrary.GetExport(h, "apikeys_catalog");
            stringFree = (delegate* unmanaged[Cdecl]<IntPtr, void>)NativeLibrary.GetExport(h, "apikeys_string_free");
        }

        public string Version() => Marshal.PtrToStringUTF8(version());

        /// <summary>apikeys_session_close; the status.</summary>
        public int CloseSession(ulong handle) => sessionClose(handle);

        /// <summary>
        /// apikeys_key_get, the output read as <paramref name="type"/>: the get-by-id hot path.
        /// Three arguments instead of Invoke's seven: PowerShell converts each argument of a
        /// method call on every call (a string to ResultShape costs about 10 µs).
        /// </summary>
        public NativeResult Get(ulong handle, string id, Type type) => Invoke("key_get", handle, id, null, null, type, ResultShape.Object);

        /// <summary>The kind name of a status code.</summary>
        public static string KindOf(int status) => status > 0 && status < Kinds.Length ? Kinds[status] : "internal";

        /// <summary>
        /// Calls one export. <paramref name="operation"/>: session_open (Value = the handle),
        /// session_close, key_delete (Value = true), key_list, key_get, key_create, key_update,
        /// key_rotate, whoami, server_info, catalog (Value shaped by <paramref name="shape"/> and
        /// <paramref name="type"/>). <paramref name="reason"/> (key_delete only) selects
        /// apikeys_key_delete_with_reason. The UTF-8 copy of <paramref name="json"/> is zeroed
        /// after the call: a session config or a key update may hold a secret.
        /// </summary>
        public NativeResult Invoke(string operation, ulong handle, string id, string json, string reason, Type type, ResultShape shape)
        {
            // PowerShell passes $null to a string parameter as "": an empty JSON or reason means
            // none (NULL), as no JSON text and no reason is empty. An empty id stays "" so that
            // the library names it in its error.
            byte[] idBytes = Utf8(id), jsonBytes = Utf8(NullIfEmpty(json)), reasonBytes = Utf8(NullIfEmpty(reason));
            IntPtr output = IntPtr.Zero, error = IntPtr.Zero;
            ulong opened = 0;
            var result = new NativeResult();
            long started = Stopwatch.GetTimestamp();
            try
            {
                fixed (byte* i = idBytes)
                fixed (byte* j = jsonBytes)
                fixed (byte* r = reasonBytes)
                {
                    switch (operation)
                    {
                        case "session_open": result.Status = sessionOpen(j, &opened, &error); break;
                        case "session_close": result.Status = sessionClose(handle); break;
                        case "key_list": result.Status = keyList(handle, j, &output, &error); break;
                        case "key_get": result.Status = keyGet(handle, i, &output, &error); break;
                        case "key_create": result.Status = keyCreate(handle, j, &output, &error); break;
                        case "key_update": result.Status = keyUpdate(handle, i, j, &output, &error); break;
                        case "key_delete":
                            result.Status = r != null ? keyDeleteWithReason(handle, i, r, &error) : keyDelete(handle, i, &error);
                            break;
                        case "key_rotate": result.Status = keyRotate(handle, i, &output, &error); break;
                        case "whoami": result.Status = whoami(handle, &output, &error); break;
                        case "server_info": result.Status = serverInfo(handle, &output, &error); break;
                        case "catalog": result.Status = catalog(handle, &output, &error); break;
                        default: throw new ArgumentException($"unknown operation '{operation}'", nameof(operation));
                    }
                }
                if (result.Status == 0)
                {
                    result.Value = operation switch
                    {
                        "session_open" => opened,
                        "session_close" or "key_delete" => true,
                        _ => ReadOutput(output, type, shape, result),
                    };
                }
                else
                {
                    ReadError(error, result);
                }
            }
            finally
            {
                if (output != IntPtr.Zero) stringFree(output);
                if (error != IntPtr.Zero) stringFree(error);
                if (jsonBytes != null) Array.Clear(jsonBytes);
            }
            result.ElapsedMs = (Stopwatch.GetTimestamp() - started) * 1000.0 / Stopwatch.Frequency;
            return result;
        }

        static object ReadOutput(IntPtr output, Type type, ResultShape shape, NativeResult result)
        {
            if (output == IntPtr.Zero) return null;
            if (shape == ResultShape.Text || type == null) return Marshal.PtrToStringUTF8(output);
            var utf8 = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)output);
            try
            {
                return shape == ResultShape.Created ? Json.ReadCreated(utf8, type) : Json.Read(utf8, type, shape == ResultShape.Array);
            }
            catch (Exception e) when (e is JsonException || e is NotSupportedException || e is InvalidOperationException || e is FormatException)
            {
                // Never include the JSON itself: a created key's JSON holds the secret.
                result.Status = StatusProtocol;
                result.Kind = "protocol";
                result.Message = $"The library returned JSON this module cannot read as {type.FullName}: {e.GetBaseException().Message}";
                return null;
            }
        }

        static void ReadError(IntPtr error, NativeResult result)
        {
            result.Kind = KindOf(result.Status);
            if (error == IntPtr.Zero) return;
            try
            {
                var reader = new Utf8JsonReader(MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)error));
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string name = reader.GetString();
                    reader.Read();
                    switch (name)
                    {
                        case "kind" when reader.TokenType == JsonTokenType.String: result.Kind = reader.GetString(); break;
                        case "message" when reader.TokenType == JsonTokenType.String: result.Message = reader.GetString(); break;
                        case "serverMessage" when reader.TokenType == JsonTokenType.String: result.ServerMessage = reader.GetString(); break;
                        case "httpStatus" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int s): result.HttpStatus = s; break;
                        case "retryAfterMs" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long ms): result.RetryAfterMs = ms; break;
                        default: reader.Skip(); break;
                    }
                }
            }
            catch (JsonException)
            {
                // A malformed error JSON keeps what was read; the status still names the kind.
            }
        }

        static string NullIfEmpty(string text) => string.IsNullOrEmpty(text) ? null : text;

        /// <summary>NUL-terminated UTF-8 (null stays null: a NULL pointer).</summary>
        static byte[] Utf8(string text)
        {
            if (text == null) return null;
            var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
            Encoding.UTF8.GetBytes(text, 0, text.Length, bytes, 0);
            return bytes;
        }
    }
}

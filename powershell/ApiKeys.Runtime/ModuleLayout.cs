// ModuleLayout.cs: which script files ApiKeys.psm1 loads, and whether the combined copy that
// tools/build writes may stand in for them.

using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace ApiKeys.Internal
{
    public sealed class ModuleLayout
    {
        /// <summary>Private/*.ps1, then Public/&lt;Family&gt;/*.ps1, each in ordinal order.</summary>
        public string[] Sources;

        /// <summary>One per Public file: the function it defines (the file's name).</summary>
        public string[] PublicFunctions;

        /// <summary>bin/ApiKeys.Functions.ps1 (written by <see cref="WriteCombined"/>) when it
        /// matches the sources exactly, else null.</summary>
        public string Combined;

        public const string CombinedName = "ApiKeys.Functions.ps1";

        /// <summary>
        /// Reads the layout of the module at <paramref name="moduleRoot"/>. Done here rather than
        /// in the .psm1: PowerShell's first execution of each .NET call in a script costs about a
        /// millisecond, and this check in script took about 50 ms of a 130 ms import.
        /// </summary>
        public static ModuleLayout Read(string moduleRoot)
        {
            var sources = new List<string>();
            var functions = new List<string>();
            sources.AddRange(Sorted(Directory.GetFiles(Path.Combine(moduleRoot, "Private"), "*.ps1")));
            foreach (var dir in Sorted(Directory.GetDirectories(Path.Combine(moduleRoot, "Public"))))
            {
                foreach (var file in Sorted(Directory.GetFiles(dir, "*.ps1")))
                {
                    sources.Add(file);
                    functions.Add(Path.GetFileNameWithoutExtension(file));
                }
            }
            var layout = new ModuleLayout { Sources = sources.ToArray(), PublicFunctions = functions.ToArray() };
            string combined = Path.Combine(moduleRoot, "bin", CombinedName);
            if (File.Exists(combined) && string.Equals(File.ReadAllText(combined), Expected(moduleRoot, layout.Sources), StringComparison.Ordinal))
                layout.Combined = combined;
            return layout;
        }

        /// <summary>tools/build: writes the combined file for the module's current sources.</summary>
        public static void WriteCombined(string moduleRoot)
        {
            string combined = Path.Combine(moduleRoot, "bin", CombinedName);
            File.WriteAllText(combined + ".tmp", Expected(moduleRoot, Read(moduleRoot).Sources));
            File.Move(combined + ".tmp", combined, true);
        }

        /// <summary>
        /// The combined text: for each source, "# source: &lt;path relative to the module, with
        /// /&gt;", a newline, the file's text, a newline.
        /// </summary>
        public static string Expected(string moduleRoot, string[] sources)
        {
            var text = new StringBuilder(256 * 1024);
            foreach (var file in sources)
            {
                string relative = Path.GetRelativePath(moduleRoot, file).Replace(Path.DirectorySeparatorChar, '/');
                text.Append("# source: ").Append(relative).Append('\n').Append(File.ReadAllText(file)).Append('\n');
            }
            return text.ToString();
        }

        static string[] Sorted(string[] paths)
        {
            Array.Sort(paths, StringComparer.Ordinal);
            return paths;
        }
    }
}

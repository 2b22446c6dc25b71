namespace LabSite.Clusters.Netns.Store.Selectors;

/// <summary>
/// Parses the string form of a selector as <c>kubectl get -l</c> takes it:
/// <c>a=b,c!=d,e in (x,y),f notin (z),g,!h</c> (<c>==</c> is the same as <c>=</c>).
/// </summary>
public static class LabelSelectorParser
{
    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming the column and what was expected.</summary>
    public static LabelSelector Parse(string text)
    {
        var requirements = new List<LabelRequirement>();
        var reader = new Reader(text);
        reader.SkipSpaces();
        if (reader.AtEnd)
        {
            return LabelSelector.Everything;
        }
        while (true)
        {
            requirements.Add(ParseRequirement(reader));
            reader.SkipSpaces();
            if (reader.AtEnd)
            {
                return new LabelSelector(requirements);
            }
            reader.Expect(',', "',' between requirements");
            reader.SkipSpaces();
        }
    }

    private static LabelRequirement ParseRequirement(Reader reader)
    {
        if (reader.TryTake('!'))
        {
            reader.SkipSpaces();
            return new LabelRequirement(reader.Identifier("a label key after '!'"), SelectorOperator.DoesNotExist, []);
        }
        var key = reader.Identifier("a label key");
        reader.SkipSpaces();
        if (reader.AtEnd || reader.Peek == ',')
        {
            return new LabelRequirement(key, SelectorOperator.Exists, []);
        }
        if (reader.TryTake("!="))
        {
            return new LabelRequirement(key, SelectorOperator.NotEquals, [reader.Value()]);
        }
        if (reader.TryTake("==") || reader.TryTake('='))
        {
            return new LabelRequirement(key, SelectorOperator.Equals, [reader.Value()]);
        }
        if (reader.TryWord("notin"))
        {
            return new LabelRequirement(key, SelectorOperator.NotIn, reader.ValueSet());
        }
        if (reader.TryWord("in"))
        {
            return new LabelRequirement(key, SelectorOperator.In, reader.ValueSet());
        }
        throw reader.Error("'=', '==', '!=', 'in', 'notin', ',' or the end");
    }

    private sealed class Reader(string text)
    {
        private int _pos;

        public bool AtEnd => _pos >= text.Length;

        public char Peek => text[_pos];

        public void SkipSpaces()
        {
            while (!AtEnd && char.IsWhiteSpace(Peek))
            {
                _pos++;
            }
        }

        public bool TryTake(char c)
        {
            if (!AtEnd && Peek == c)
            {
                _pos++;
                return true;
            }
            return false;
        }

        public bool TryTake(string s)
        {
            if (string.CompareOrdinal(text, _pos, s, 0, s.Length) == 0)
            {
                _pos += s.Length;
                return true;
            }
            return false;
        }

        public bool TryWord(string word)
        {
            var end = _pos + word.Length;
            if (string.CompareOrdinal(text, _pos, word, 0, word.Length) == 0 && (end >= text.Length || text[end] is ' ' or '('))
            {
                _pos = end;
                return true;
            }
            return false;
        }

        public void Expect(char c, string what)
        {
            if (!TryTake(c))
            {
                throw Error(what);
            }
        }

        public string Identifier(string what)
        {
            var start = _pos;
            while (!AtEnd && IsNameChar(Peek))
            {
                _pos++;
            }
            return start == _pos ? throw Error(what) : text[start.._pos];
        }

        public string Value()
        {
            SkipSpaces();
            var start = _pos;
            while (!AtEnd && IsNameChar(Peek) && Peek != '/')
            {
                _pos++;
            }
            return text[start.._pos]; // an empty value is legal: "a=" selects a="" 
        }

        public List<string> ValueSet()
        {
            SkipSpaces();
            Expect('(', "'(' to open the value set");
            var values = new List<string>();
            while (true)
            {
                values.Add(Value());
                SkipSpaces();
                if (TryTake(')'))
                {
                    return values;
                }
                Expect(',', "',' or ')' in the value set");
            }
        }

        public FormatException Error(string expected)
        {
            var found = AtEnd ? "the end" : $"'{Peek}'";
            return new FormatException($"unable to parse selector \"{text}\": at column {_pos + 1} found {found}, expected {expected}");
        }

        private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/';
    }
}

using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3Server.Xml;

/// <summary>Writing S3 response documents and reading request documents safely (no DTDs, bounded size).</summary>
public static class S3Xml
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(false),
        Indent = false,
        OmitXmlDeclaration = false,
        CheckCharacters = false,
    };

    public static byte[] Document(string root, Action<XmlWriter> body, bool withNamespace = true)
    {
        using var ms = new MemoryStream();
        using (var w = XmlWriter.Create(ms, WriterSettings))
        {
            w.WriteStartDocument();
            if (withNamespace)
            {
                w.WriteStartElement(root, Namespace);
            }
            else
            {
                w.WriteStartElement(root);
            }

            body(w);
            w.WriteEndElement();
            w.WriteEndDocument();
        }

        return ms.ToArray();
    }

    public static void Element(this XmlWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteElementString(name, value);
        }
    }

    public static void Element(this XmlWriter w, string name, long value) => w.WriteElementString(name, value.ToString(CultureInfo.InvariantCulture));

    public static void Element(this XmlWriter w, string name, bool value) => w.WriteElementString(name, value ? "true" : "false");

    public static void Element(this XmlWriter w, string name, DateTimeOffset value) => w.WriteElementString(name, Timestamp(value));

    /// <summary>ISO 8601 with milliseconds, as S3 writes timestamps in XML.</summary>
    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string QuotedETag(string etag) => "\"" + etag + "\"";

    public static void Owner(this XmlWriter w, string element = "Owner")
    {
        w.WriteStartElement(element);
        w.Element("ID", S3Owner.Id);
        w.Element("DisplayName", S3Owner.DisplayName);
        w.WriteEndElement();
    }

    /// <summary>Parses a request document; anything not well-formed becomes MalformedXML.</summary>
    public static XElement Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 16 * 1024 * 1024 };
            using var ms = new MemoryStream(body.ToArray());
            using var reader = XmlReader.Create(ms, settings);
            return XElement.Load(reader);
        }
        catch (XmlException e)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML, null, e);
        }
    }

    /// <summary>Children by local name, ignoring namespaces (clients differ in whether they send one).</summary>
    public static IEnumerable<XElement> Children(this XElement e, string localName) =>
        e.Elements().Where(c => c.Name.LocalName == localName);

    public static string? ChildValue(this XElement e, string localName) => e.Children(localName).FirstOrDefault()?.Value;
}

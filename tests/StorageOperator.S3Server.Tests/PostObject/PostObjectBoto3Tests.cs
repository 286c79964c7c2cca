using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;
using static StorageOperator.S3Server.Tests.Compatibility.ToolEnvironment;

namespace StorageOperator.S3Server.Tests.PostObject;

/// <summary>boto3's generate_presigned_post (SigV4 form fields and policy) posted with python requests.</summary>
[Collection(ServerCollection.Name)]
public sealed class PostObjectBoto3Tests(S3ServerFixture server)
{
    private const string Script = """
        import os, boto3, botocore.config, requests
        ep, ca, bucket = os.environ["EP"], os.environ["CA"], os.environ["BUCKET"]
        s3 = boto3.client("s3", endpoint_url=ep, verify=ca, config=botocore.config.Config(signature_version="s3v4"))
        s3.create_bucket(Bucket=bucket)

        post = s3.generate_presigned_post(bucket, "uploads/${filename}",
            Fields={"Content-Type": "text/plain", "success_action_status": "201"},
            Conditions=[{"Content-Type": "text/plain"}, {"success_action_status": "201"}, ["content-length-range", 1, 1024]],
            ExpiresIn=300)
        r = requests.post(post["url"], data=post["fields"], files={"file": ("note.txt", b"posted by boto3")}, verify=ca)
        assert r.status_code == 201, (r.status_code, r.text)
        assert "<Key>uploads/note.txt</Key>" in r.text, r.text
        got = s3.get_object(Bucket=bucket, Key="uploads/note.txt")
        assert got["Body"].read() == b"posted by boto3" and got["ContentType"] == "text/plain", got
        print("OK presigned-post")

        r = requests.post(post["url"], data=post["fields"], files={"file": ("big.txt", b"x" * 2000)}, verify=ca)
        assert r.status_code == 400 and "<Code>EntityTooLarge</Code>" in r.text, (r.status_code, r.text)
        fields = dict(post["fields"], **{"x-amz-signature": "0" * 64})
        r = requests.post(post["url"], data=fields, files={"file": ("note.txt", b"x")}, verify=ca)
        assert r.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in r.text, (r.status_code, r.text)
        print("OK presigned-post-refusals")
        """;

    [SkippableFact]
    public async Task Generate_presigned_post_form_uploads()
    {
        var python = ProcessRunner.Which("python3");
        Skip.If(python is null, "python3 is not installed");
        var probe = await ProcessRunner.RunAsync(python!, ["-c", "import boto3, requests"]);
        Skip.If(probe.ExitCode != 0, "boto3 or requests is not installed for python3");

        using var work = new TempDirectory("boto3-post");
        var script = Path.Combine(work.Path, "post.py");
        await File.WriteAllTextAsync(script, Script);
        var env = Env(server);
        env["EP"] = EndpointUrl(server);
        env["CA"] = server.CaBundlePath;
        env["BUCKET"] = server.NewBucketName("boto3-post");

        var result = Ok(await RunAsync(python!, [script], env, work.Path));
        Assert.Contains("OK presigned-post\n", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("OK presigned-post-refusals", result.StdOut, StringComparison.Ordinal);
    }
}
